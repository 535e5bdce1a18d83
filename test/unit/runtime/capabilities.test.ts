import * as assert from 'node:assert/strict';
import {
  capabilityMaskNames,
  capabilityNumber,
  resolveCapabilities,
} from '../../../engine/src/runtime/capabilities';

describe('capabilities', () => {
  it('maps names (with or without CAP_) to numbers', () => {
    assert.equal(capabilityNumber('CAP_CHOWN'), 0);
    assert.equal(capabilityNumber('net_admin'), 12);
    assert.equal(capabilityNumber('CAP_CHECKPOINT_RESTORE'), 40);
    assert.equal(capabilityNumber('CAP_NOPE'), undefined);
  });

  it('builds the five masks and sets aside what we cannot grant', () => {
    const all = (1n << 41n) - 1n;
    const withoutSysResource = all & ~(1n << 24n); // this VM lacks CAP_SYS_RESOURCE
    const r = resolveCapabilities(
      { bounding: ['CAP_KILL', 'CAP_SYS_RESOURCE'], effective: ['CAP_KILL'] },
      withoutSysResource,
    );
    assert.equal(r.sets.bounding, 1n << 5n);
    assert.equal(r.sets.effective, 1n << 5n);
    assert.equal(r.sets.ambient, 0n);
    assert.deepEqual(r.unavailable, ['CAP_SYS_RESOURCE']);
    assert.deepEqual(capabilityMaskNames(0x20000420n), [
      'CAP_KILL',
      'CAP_NET_BIND_SERVICE',
      'CAP_AUDIT_WRITE',
    ]);
  });

  it('rejects unknown names with a hint', () => {
    assert.throws(() => resolveCapabilities({ bounding: ['CAP_FLY'] }, 0n), /unknown capability "CAP_FLY"/);
  });
});
