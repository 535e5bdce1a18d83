import * as assert from 'node:assert/strict';
import { messages } from '../../../server/helpers';

describe('rules/DuplicateStageName', () => {
  it('reports the second stage with a name already used (case-insensitively)', () => {
    assert.deepEqual(messages('FROM alpine AS a\nFROM alpine AS A\n', 'DuplicateStageName'), [
      'Duplicate stage name "a", stage names should be unique',
    ]);
  });
  it('accepts distinct names', () => {
    assert.deepEqual(messages('FROM alpine AS a\nFROM alpine AS b\n', 'DuplicateStageName'), []);
  });
});
