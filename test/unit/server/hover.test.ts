import * as assert from 'node:assert/strict';
import type { MarkupContent } from 'vscode-languageserver-types';
import { ImageCatalog, type ServiceEnvironment } from '../../../engine/src/dockerfile/lint/environment';
import { computeHover } from '../../../server/src/hover';
import { cursor, documentOf, environmentWith } from './helpers';

function hover(marked: string, environment: ServiceEnvironment = environmentWith()): string | undefined {
  const { text, position } = cursor(marked);
  const result = computeHover(documentOf(text), position, environment);
  return result ? (result.contents as MarkupContent).value : undefined;
}

describe('server/hover', () => {
  it('documents instructions and flags, modern flags included', () => {
    assert.match(hover('FROM alpine\nR|UN ls')!, /\*\*RUN\*\*/);
    assert.match(hover('FROM alpine\nRUN --mo|unt=type=cache,target=/x ls')!, /--mount/);
    assert.match(hover('FROM alpine\nCOPY --li|nk a b')!, /independent layer/);
    assert.match(hover('FROM alpine\nRUN --mount=type=cache,shar|ing=locked ls')!, /\*\*sharing\*\*/);
  });

  it('shows a variable value and where it is set', () => {
    const text = 'ARG VERSION=1.2\nFROM alpine\nARG VERSION\nRUN echo $VER|SION';
    const value = hover(text)!;
    assert.match(value, /ARG VERSION/);
    assert.match(value, /1\.2/);
    assert.match(value, /global default, line 1/);
    assert.match(hover('FROM alpine\nENV A=b\nRUN echo $|A')!, /ENV A[\s\S]*Value: `b`/);
  });

  it('describes predefined ARGs', () => {
    assert.match(hover('FROM --platform=$BUILDPLAT|FORM alpine')!, /predefined/);
  });

  it('describes stages where they are used', () => {
    assert.match(
      hover('FROM golang AS build\nFROM alpine\nCOPY --from=bui|ld /a /a')!,
      /Stage `build`[\s\S]*golang/,
    );
  });

  it('describes base images, with local details and a registry link', () => {
    const environment = environmentWith(
      {},
      { images: new ImageCatalog([{ name: 'node', tags: ['22'], size: 150e6 }]) },
    );
    const value = hover('FROM no|de:22', environment)!;
    assert.match(value, /Node\.js/);
    assert.match(value, /Local: `22`, 150\.0 MB/);
    assert.match(value, /hub\.docker\.com\/_\/node/);
  });

  it('documents directives', () => {
    assert.match(hover('# syn|tax=docker/dockerfile:1\nFROM alpine')!, /frontend/);
  });

  it('returns nothing on plain shell text', () => {
    assert.equal(hover('FROM alpine\nRUN ec|ho hi'), undefined);
  });
});
