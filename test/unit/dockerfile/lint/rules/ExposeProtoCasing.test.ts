import * as assert from 'node:assert/strict';
import { fixed, messages } from '../../../server/helpers';

describe('rules/ExposeProtoCasing', () => {
  it('reports an uppercase protocol', () => {
    assert.deepEqual(messages('FROM alpine\nEXPOSE 80/TCP 53/udp\n', 'ExposeProtoCasing'), [
      "Defined protocol '80/TCP' in EXPOSE instruction should be lowercase",
    ]);
  });
  it('lowercases it', () => {
    assert.equal(fixed('FROM alpine\nEXPOSE 80/TCP\n', 'ExposeProtoCasing'), 'FROM alpine\nEXPOSE 80/tcp\n');
  });
});
