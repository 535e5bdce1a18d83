import * as assert from 'node:assert/strict';
import { environmentWith, messages } from '../../../server/helpers';

describe('rules/HealthcheckMissing', () => {
  it('is off by default and reports a final stage without HEALTHCHECK when enabled', () => {
    assert.deepEqual(messages('FROM debian\n', 'HealthcheckMissing', environmentWith()), []);
    assert.equal(messages('FROM debian\n', 'HealthcheckMissing').length, 1);
    assert.deepEqual(messages('FROM debian\nHEALTHCHECK CMD true\n', 'HealthcheckMissing'), []);
  });
});
