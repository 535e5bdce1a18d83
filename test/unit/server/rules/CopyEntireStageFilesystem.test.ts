import * as assert from 'node:assert/strict';
import { messages } from '../helpers';

describe('rules/CopyEntireStageFilesystem', () => {
  it('reports copying / from another stage', () => {
    assert.deepEqual(
      messages('FROM debian AS a\nFROM scratch\nCOPY --from=a / /\n', 'CopyEntireStageFilesystem'),
      ['Do not copy an entire filesystem from another stage'],
    );
    assert.deepEqual(
      messages(
        'FROM debian AS a\nFROM scratch\nCOPY --from=a /app /app\nCOPY . /src\n',
        'CopyEntireStageFilesystem',
      ),
      [],
    );
  });
});
