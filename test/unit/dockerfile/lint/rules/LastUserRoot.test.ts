import * as assert from 'node:assert/strict';
import { messages } from '../../../server/helpers';

describe('rules/LastUserRoot', () => {
  it('reports a final stage whose last USER is root', () => {
    assert.deepEqual(messages('FROM debian\nUSER app\nUSER root\n', 'LastUserRoot'), [
      'Last USER should not be root',
    ]);
    assert.deepEqual(messages('FROM debian AS a\nUSER 0:0\nFROM a\n', 'LastUserRoot'), [
      'Last USER should not be root',
    ]);
  });
  it('accepts a non-root last USER, no USER, and root in earlier stages', () => {
    assert.deepEqual(
      messages(
        'FROM debian\nUSER root\nUSER app\nFROM debian AS x\nUSER root\nFROM debian\n',
        'LastUserRoot',
      ),
      [],
    );
  });
});
