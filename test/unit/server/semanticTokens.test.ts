import * as assert from 'node:assert/strict';
import { computeSemanticTokens, semanticTokensLegend } from '../../../server/src/semanticTokens';
import { documentOf } from './helpers';

/** Decodes relative tokens into [line, character, text, type]. */
function decode(text: string): [number, number, string, string][] {
  const { data } = computeSemanticTokens(documentOf(text));
  const lines = text.split('\n');
  const out: [number, number, string, string][] = [];
  let line = 0;
  let character = 0;
  for (let i = 0; i < data.length; i += 5) {
    line += data[i];
    character = data[i] === 0 ? character + data[i + 1] : data[i + 1];
    out.push([
      line,
      character,
      lines[line].slice(character, character + data[i + 2]),
      semanticTokensLegend.tokenTypes[data[i + 3]],
    ]);
  }
  return out;
}

describe('server/semanticTokens', () => {
  it('classifies keywords, flags, images, stages, variables and strings, in order without overlaps', () => {
    const tokens = decode(
      '# syntax=docker/dockerfile:1\nFROM --platform=$BUILDPLATFORM golang:1.24 AS build\nFROM scratch\nCOPY --from=build /a /b\n',
    );
    assert.deepEqual(tokens, [
      [0, 2, 'syntax', 'macro'],
      [0, 9, 'docker/dockerfile:1', 'string'],
      [1, 0, 'FROM', 'keyword'],
      [1, 5, '--platform', 'parameter'],
      [1, 16, '$BUILDPLATFORM', 'variable'],
      [1, 31, 'golang:1.24', 'type'],
      [1, 43, 'AS', 'keyword'],
      [1, 46, 'build', 'class'],
      [2, 0, 'FROM', 'keyword'],
      [2, 5, 'scratch', 'type'],
      [3, 0, 'COPY', 'keyword'],
      [3, 5, '--from', 'parameter'],
      [3, 12, 'build', 'class'],
    ]);
  });

  it('splits multi-line tokens and never goes backwards', () => {
    const { data } = computeSemanticTokens(
      documentOf('FROM alpine\nENV A="x \\\n y"\nRUN echo $A \\\n  && echo ${A}\n'),
    );
    for (let i = 0; i < data.length; i += 5) assert.ok(data[i] >= 0 && data[i + 1] >= 0 && data[i + 2] > 0);
  });
});
