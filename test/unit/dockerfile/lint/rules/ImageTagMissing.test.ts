import * as assert from 'node:assert/strict';
import { messages } from '../../../server/helpers';

describe('rules/ImageTagMissing', () => {
  it('reports untagged base images', () => {
    assert.deepEqual(messages('FROM ubuntu\n', 'ImageTagMissing'), [
      'Always tag the version of an image explicitly: ubuntu means ubuntu:latest',
    ]);
  });
  it('accepts tags, digests, scratch, stages and variables', () => {
    const text =
      'FROM ubuntu:24.04 AS a\nFROM alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\nFROM scratch\nFROM a\nFROM $IMAGE\n';
    assert.deepEqual(messages(text, 'ImageTagMissing'), []);
  });
});
