import * as assert from 'node:assert/strict';
import { environmentWith, messages } from '../../../server/helpers';

describe('rules/UserNotNumeric', () => {
  it('is off by default', () => {
    assert.deepEqual(messages('FROM debian\nUSER app\n', 'UserNotNumeric', environmentWith()), []);
  });
  it('reports a user name when enabled', () => {
    assert.deepEqual(messages('FROM debian\nUSER app\nUSER 1000:1000\n', 'UserNotNumeric'), [
      'Non-numeric user-id may not be resolvable by host system',
    ]);
  });
});
