import * as assert from 'node:assert/strict';
import { messages } from '../../../server/helpers';

describe('rules/CopyRelativeDestination', () => {
  it('reports a relative destination before any WORKDIR', () => {
    assert.equal(messages('FROM debian\nCOPY app.py app/\n', 'CopyRelativeDestination').length, 1);
  });
  it('accepts absolute destinations and WORKDIR (also from a parent stage)', () => {
    assert.deepEqual(
      messages(
        'FROM debian AS a\nWORKDIR /srv\nCOPY x .\nFROM a\nCOPY y z/\nCOPY w /abs\n',
        'CopyRelativeDestination',
      ),
      [],
    );
  });
});
