import * as assert from 'node:assert/strict';
import { cpuMask, ioprioValue, schedAttr } from '../../../engine/src/runtime/scheduling';

describe('process scheduling fields', () => {
  it('turns process.scheduler into sched_setattr values', () => {
    assert.deepEqual(schedAttr({ policy: 'SCHED_BATCH', nice: 5, flags: ['SCHED_FLAG_RESET_ON_FORK'] }), {
      policy: 3,
      flags: 1,
      nice: 5,
      priority: 0,
      runtime: 0,
      deadline: 0,
      period: 0,
    });
    assert.equal(schedAttr({ policy: 'SCHED_FIFO', priority: 10 }).priority, 10);
  });

  it('refuses what the kernel would, naming the field', () => {
    assert.throws(() => schedAttr({ policy: 'SCHED_FAST' }), /policy "SCHED_FAST" is not one of SCHED_OTHER/);
    assert.throws(() => schedAttr({ policy: 'SCHED_RR' }), /priority 0: SCHED_RR takes 1..99/);
    assert.throws(() => schedAttr({ policy: 'SCHED_OTHER', priority: 3 }), /takes 0/);
    assert.throws(() => schedAttr({ policy: 'SCHED_OTHER', nice: 20 }), /nice 20 is outside -20..19/);
    assert.throws(() => schedAttr({ policy: 'SCHED_OTHER', flags: ['FAST'] }), /flags: "FAST"/);
    assert.throws(
      () => schedAttr({ policy: 'SCHED_DEADLINE', runtime: 10, deadline: 5, period: 20 }),
      /runtime <= deadline <= period/,
    );
  });

  it('packs process.ioPriority as ioprio_set does', () => {
    assert.equal(ioprioValue({ class: 'IOPRIO_CLASS_BE', priority: 4 }), (2 << 13) | 4);
    assert.equal(ioprioValue({ class: 'IOPRIO_CLASS_IDLE', priority: 0 }), 3 << 13);
    assert.throws(
      () => ioprioValue({ class: 'IOPRIO_CLASS_FAST', priority: 0 }),
      /class "IOPRIO_CLASS_FAST"/,
    );
    assert.throws(() => ioprioValue({ class: 'IOPRIO_CLASS_BE', priority: 8 }), /priority 8 is outside 0..7/);
  });

  it('turns cpu lists into affinity masks', () => {
    const mask = cpuMask('0-2,9', 'process.execCPUAffinity.final');
    assert.equal(mask.length, 128);
    assert.equal(mask[0], 0b111);
    assert.equal(mask[1], 0b10);
    assert.throws(() => cpuMask('3-1', 'process.execCPUAffinity.initial'), /initial "3-1" is not a cpu list/);
    assert.throws(() => cpuMask('a', 'x'), /not a cpu list/);
    assert.throws(() => cpuMask('4096', 'x'), /below 1024/);
  });
});
