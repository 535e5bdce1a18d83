import * as assert from 'node:assert/strict';
import {
  fuseOverlayOptions,
  mountOverlayWithFallback,
  requestedOverlayDriver,
} from '../../../../engine/src/runtime/linux/fuse-overlay';

const refused = (): never => {
  throw Object.assign(new Error('mount("overlay", "/m"): EPERM (Operation not permitted)'), {
    code: 'EPERM',
  });
};

describe('fuse-overlayfs fallback (choice and options)', () => {
  it('reads BERTH_OVERLAY: kernel, fuse-overlayfs, auto; refuses anything else with the choices', () => {
    assert.equal(requestedOverlayDriver({}), undefined);
    assert.equal(requestedOverlayDriver({ BERTH_OVERLAY: 'auto' }), undefined);
    assert.equal(requestedOverlayDriver({ BERTH_OVERLAY: 'kernel' }), 'kernel');
    assert.equal(requestedOverlayDriver({ BERTH_OVERLAY: 'overlay2' }), 'kernel');
    assert.equal(requestedOverlayDriver({ BERTH_OVERLAY: 'fuse-overlayfs' }), 'fuse-overlayfs');
    assert.throws(
      () => requestedOverlayDriver({ BERTH_OVERLAY: 'vfs' }),
      /use kernel, fuse-overlayfs or auto/,
    );
  });

  it('passes lower dirs topmost first, escapes , and :, and lets the namespace other users in', () => {
    assert.equal(
      fuseOverlayOptions({ lower: ['/l/a:b', '/l/c'], upper: '/u,1', work: '/w' }),
      'lowerdir=/l/a\\:b:/l/c,upperdir=/u\\,1,workdir=/w,allow_other',
    );
    assert.equal(fuseOverlayOptions({ lower: ['/a', '/b'] }), 'lowerdir=/a:/b,allow_other');
  });

  it('outside a user namespace, or with the kernel forced, a refusal is the error (no fallback)', () => {
    const saved = process.env.BERTH_OVERLAY;
    try {
      delete process.env.BERTH_OVERLAY;
      assert.throws(() => mountOverlayWithFallback(refused, '/m', { lower: ['/a'] }, false), /EPERM/);
      process.env.BERTH_OVERLAY = 'kernel';
      assert.throws(
        () => mountOverlayWithFallback(refused, '/m', { lower: ['/a'] }, true),
        /^Error: mount.*EPERM[^;]*$/,
      );
    } finally {
      if (saved === undefined) delete process.env.BERTH_OVERLAY;
      else process.env.BERTH_OVERLAY = saved;
    }
  });
});
