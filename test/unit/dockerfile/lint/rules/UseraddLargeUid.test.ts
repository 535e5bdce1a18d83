import * as assert from 'node:assert/strict';
import { fixed, messages } from '../../../server/helpers';

describe('rules/UseraddLargeUid', () => {
  it('reports useradd with a large UID and no -l', () => {
    assert.equal(messages('FROM debian\nRUN useradd -u 1000000 app\n', 'UseraddLargeUid').length, 1);
    assert.deepEqual(
      messages('FROM debian\nRUN useradd -u 1000 app && useradd -l -u 1000000 b\n', 'UseraddLargeUid'),
      [],
    );
  });
  it('adds -l', () => {
    assert.equal(
      fixed('FROM debian\nRUN useradd -u 1000000 app\n', 'UseraddLargeUid'),
      'FROM debian\nRUN useradd -l -u 1000000 app\n',
    );
  });
});
