import * as assert from 'node:assert/strict';
import { messages } from '../../../server/helpers';

describe('rules/CopyEntireStageFilesystem', () => {
  it('reports copying / from another stage', () => {
    assert.deepEqual(
      messages('FROM debian AS a\nRUN make\nFROM scratch\nCOPY --from=a / /\n', 'CopyEntireStageFilesystem'),
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

describe('rules/CopyEntireStageFilesystem on images', () => {
  it('accepts copying all of an image, or of a stage that only names one', () => {
    assert.deepEqual(messages('FROM debian\nCOPY --from=tools/image / /\n', 'CopyEntireStageFilesystem'), []);
    assert.deepEqual(
      messages('FROM tonistiigi/xx AS xx\nFROM debian\nCOPY --from=xx / /\n', 'CopyEntireStageFilesystem'),
      [],
    );
  });
});
