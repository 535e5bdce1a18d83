import * as assert from 'node:assert/strict';

import { ProgressTracker } from '../../../../client/src/engine/progress';

describe('client/engine/progress', () => {
  it('sums layer bytes into one line and a fraction', () => {
    const t = new ProgressTracker();
    t.update({ status: 'Pulling from library/busybox', id: 'latest' });
    assert.equal(t.summary('Downloading'), 'Pulling from library/busybox latest');
    assert.equal(t.fraction(), undefined);
    t.update({
      status: 'Downloading',
      id: 'aaaaaaaaaaaa',
      progressDetail: { current: 1_000_000, total: 4_000_000 },
    });
    t.update({ status: 'Already exists', id: 'bbbbbbbbbbbb' });
    assert.equal(t.summary('Downloading'), 'Downloading: 1 of 2 layers done (1MB of 4MB)');
    assert.equal(t.fraction(), 0.25);
    t.update({ status: 'Pull complete', id: 'aaaaaaaaaaaa' });
    assert.equal(t.fraction(), 1);
  });

  it('throws the engine’s error message', () => {
    const t = new ProgressTracker();
    assert.throws(
      () => t.update({ error: 'x', errorDetail: { message: 'manifest for nope:latest not found' } }),
      /manifest for nope:latest not found/,
    );
  });
});
