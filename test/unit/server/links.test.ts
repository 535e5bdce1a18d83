import * as assert from 'node:assert/strict';
import { computeDocumentLinks } from '../../../server/src/links';
import { documentOf } from './helpers';

describe('server/links', () => {
  it('links FROM images and the syntax frontend to their registry pages', () => {
    const text =
      '# syntax=docker/dockerfile:1\nFROM node:22 AS a\nFROM ghcr.io/org/app:1\nFROM mcr.microsoft.com/dotnet/sdk:8.0\nFROM quay.io/org/x\nFROM a\nFROM scratch\nFROM $X\n';
    assert.deepEqual(
      computeDocumentLinks(documentOf(text)).map((l) => l.target),
      [
        'https://hub.docker.com/r/docker/dockerfile',
        'https://hub.docker.com/_/node',
        'https://ghcr.io/org/app',
        'https://mcr.microsoft.com/artifact/mar/dotnet/sdk',
        'https://quay.io/repository/org/x',
      ],
    );
  });
});
