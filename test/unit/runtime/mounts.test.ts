import * as assert from 'node:assert/strict';
import { MOUNT_ATTR, MS } from '../../../engine/src/runtime/linux/constants';
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

  it('lists extensions it does not implement', () => {
    assert.deepEqual(parseMountOptions(['tmpcopyup', 'idmap']).unsupported, ['idmap']);
  });

  it('turns the recursive options into mount_setattr bits, a later one undoing an earlier one', () => {
    const p = parseMountOptions(['rbind', 'rro', 'rnosuid', 'rnoatime']);
    assert.equal(p.treeSet, MOUNT_ATTR.RDONLY | MOUNT_ATTR.NOSUID | MOUNT_ATTR.NOATIME);
    assert.equal(p.treeClear, MOUNT_ATTR._ATIME);
    assert.equal(p.flags, MS.BIND | MS.REC, 'no plain flag: the tree options do not touch mount(2)');
    const undone = parseMountOptions(['rro', 'rrw']);
    assert.equal(undone.treeSet, 0);
    assert.equal(undone.treeClear, MOUNT_ATTR.RDONLY);
  });

  it('knows tmpcopyup and notmpcopyup', () => {
    assert.ok(parseMountOptions(['tmpcopyup']).copyUp);
    assert.ok(!parseMountOptions(['tmpcopyup', 'notmpcopyup']).copyUp);
    assert.equal(parseMountOptions(['tmpcopyup', 'size=1m']).data, 'size=1m');
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
