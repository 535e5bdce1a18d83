import * as assert from 'node:assert/strict';
import { messages } from '../../../server/helpers';

describe('rules/ZypperDistUpgrade', () => {
  it('reports zypper dist-upgrade and dup', () => {
    assert.equal(
      messages('FROM suse\nRUN zypper -n dist-upgrade && zypper dup\n', 'ZypperDistUpgrade').length,
      2,
    );
    assert.deepEqual(messages('FROM suse\nRUN zypper -n update\n', 'ZypperDistUpgrade'), []);
  });
});
