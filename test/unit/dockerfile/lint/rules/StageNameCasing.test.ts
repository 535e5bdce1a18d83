import * as assert from 'node:assert/strict';
import { fixed, messages } from '../../../server/helpers';

describe('rules/StageNameCasing', () => {
  it('reports an uppercase stage name in BuildKit words', () => {
    assert.deepEqual(messages('FROM alpine AS Build\n', 'StageNameCasing'), [
      "Stage name 'Build' should be lowercase",
    ]);
  });
  it('accepts lowercase names', () => {
    assert.deepEqual(messages('FROM alpine AS build\n', 'StageNameCasing'), []);
  });
  it('fixes the name and its references', () => {
    const text = 'FROM alpine AS Build\nFROM Build\nCOPY --from=Build /a /b\n';
    assert.equal(
      fixed(text, 'StageNameCasing'),
      'FROM alpine AS build\nFROM build\nCOPY --from=build /a /b\n',
    );
  });
});
