import * as assert from 'node:assert/strict';
import { parseDuration } from '../../../../engine/src/cli/runtime/events';
import { statsJson } from '../../../../engine/src/runtime';
import type { CgroupStats } from '../../../../engine/src/runtime';

describe('berth-runtime events', () => {
  it('reads intervals as Go durations', () => {
    assert.equal(parseDuration('5s'), 5000);
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('1m30s'), 90000);
    assert.throws(() => parseDuration('5'), /--interval "5" is not a duration/);
    assert.throws(() => parseDuration('0s'), /not a duration/);
  });

  it('prints unlimited limits as runc does (2^64-1), exactly', () => {
    const data: CgroupStats = {
      cpu: {
        usage: { total: 5, kernel: 1, user: 2 },
        throttling: { periods: 0, throttled_periods: 0, throttled_time: 0 },
      },
      memory: { usage: { limit: -1, usage: 10, failcnt: 0 }, swap: { limit: 4096, failcnt: 0 }, raw: {} },
      pids: { current: 1, limit: -1 },
    };
    const json = statsJson({ type: 'stats', id: 'c1', data });
    assert.match(json, /"usage":\{"limit":18446744073709551615,"usage":10/);
    assert.match(json, /"pids":\{"current":1,"limit":18446744073709551615\}/);
    assert.match(json, /"swap":\{"limit":4096/);
  });
});
