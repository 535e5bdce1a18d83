import * as assert from 'node:assert/strict';
import { fixed, messages } from '../../../server/helpers';

describe('rules/CopyFromUnknownStage', () => {
  it('reports a near-miss of an earlier stage name', () => {
    assert.deepEqual(
      messages('FROM golang AS build\nFROM scratch\nCOPY --from=biuld /app /app\n', 'CopyFromUnknownStage'),
      ['`--from=biuld` names no stage (did you mean build?); BuildKit would pull an image called biuld'],
    );
  });
  it('accepts stages, indexes and images', () => {
    assert.deepEqual(
      messages(
        'FROM golang AS build\nFROM scratch\nCOPY --from=build /a /a\nCOPY --from=0 /b /b\nCOPY --from=nginx:1 /c /c\nCOPY --from=busybox /d /d\n',
        'CopyFromUnknownStage',
      ),
      [],
    );
  });
  it('fixes the name', () => {
    assert.equal(
      fixed('FROM golang AS build\nFROM scratch\nCOPY --from=biuld /a /a\n', 'CopyFromUnknownStage'),
      'FROM golang AS build\nFROM scratch\nCOPY --from=build /a /a\n',
    );
  });
});
