import * as assert from 'node:assert/strict';
import { fixed, messages } from '../../../server/helpers';

describe('rules/UndefinedArgInFrom', () => {
  it('reports an undeclared ARG in FROM, with a suggestion', () => {
    assert.deepEqual(messages('ARG VERSION=3\nFROM alpine:$VERSON\n', 'UndefinedArgInFrom'), [
      "FROM argument 'VERSON' is not declared (did you mean VERSION?)",
    ]);
    assert.deepEqual(messages('FROM alpine:$TAG\n', 'UndefinedArgInFrom'), [
      "FROM argument 'TAG' is not declared",
    ]);
  });
  it('accepts declared and automatic platform ARGs', () => {
    assert.deepEqual(
      messages('ARG TAG\nFROM --platform=$BUILDPLATFORM alpine:${TAG}\n', 'UndefinedArgInFrom'),
      [],
    );
  });
  it('fixes the name to the suggestion', () => {
    assert.equal(
      fixed('ARG VERSION=3\nFROM alpine:$VERSON\n', 'UndefinedArgInFrom'),
      'ARG VERSION=3\nFROM alpine:$VERSION\n',
    );
  });
});
