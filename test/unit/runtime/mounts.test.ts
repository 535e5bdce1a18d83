import * as assert from 'node:assert/strict';
import { MS } from '../../../engine/src/runtime/linux/constants';
import { parseMountOptions, rootPropagation } from '../../../engine/src/runtime/mounts';
import { containerPath } from '../../../engine/src/runtime/rootfs';

describe('mount options', () => {
  it('turns mount(8) names into flags, propagation and data', () => {
    const p = parseMountOptions(['nosuid', 'strictatime', 'mode=755', 'size=65536k', 'rprivate']);
    assert.equal(p.flags, MS.NOSUID | MS.STRICTATIME);
    assert.deepEqual(p.propagation, [MS.PRIVATE | MS.REC]);
    assert.equal(p.data, 'mode=755,size=65536k');
    assert.equal(p.bind, false);
  });

  it('lets a later option undo an earlier one', () => {
    assert.equal(parseMountOptions(['ro', 'rw']).flags, 0);
    assert.equal(parseMountOptions(['nodev', 'dev', 'noexec']).flags, MS.NOEXEC);
  });

  it('knows bind from rbind', () => {
    const rbind = parseMountOptions(['rbind', 'ro']);
    assert.equal(rbind.flags, MS.BIND | MS.REC | MS.RDONLY);
    assert.ok(rbind.recursive);
    assert.ok(!parseMountOptions(['bind']).recursive);
  });

  it('lists extensions it accepts but does not apply', () => {
    assert.deepEqual(parseMountOptions(['tmpcopyup', 'idmap']).unsupported, ['tmpcopyup', 'idmap']);
  });

  it('defaults the root to rslave, like runc, and rejects unknown propagation', () => {
    assert.equal(rootPropagation(undefined), MS.SLAVE | MS.REC);
    assert.equal(rootPropagation('shared'), MS.SHARED);
    assert.throws(() => rootPropagation('sideways'), /rootfsPropagation "sideways"/);
  });

  it('normalises destinations to absolute container paths', () => {
    assert.equal(containerPath('dev/shm/'), '/dev/shm');
    assert.equal(containerPath('/a/../../etc'), '/etc');
    assert.equal(containerPath('/'), '/');
  });
});
