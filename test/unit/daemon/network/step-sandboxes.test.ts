import * as assert from 'node:assert/strict';
import type { NetworkDriver, NetworkRecord } from '../../../../engine/src/daemon/network/driver';
import { StepSandboxes } from '../../../../engine/src/daemon/network/step-sandboxes';

/** A bridge driver that only counts what it is asked to do (the real one runs CNI plugins). */
function countingDriver() {
  const calls = { create: 0, join: 0, leave: 0, destroy: 0 };
  const driver = {
    createSandbox: async (id: string) => (calls.create++, { kind: 'path', path: `/run/netns/${id}` }),
    join: async () => (calls.join++, { settings: { IPAddress: '172.17.0.9' } }),
    leave: async () => void calls.leave++,
    destroySandbox: async () => void calls.destroy++,
  } as unknown as NetworkDriver;
  return { driver, calls };
}

const bridge = { Id: 'b', Name: 'bridge' } as NetworkRecord;

describe('StepSandboxes', () => {
  it('gives the next step the namespace the last one released, set up only once', async () => {
    const { driver, calls } = countingDriver();
    const pool = new StepSandboxes(driver, () => bridge);
    const first = await pool.lease('step-1', 'nameserver 1.1.1.1\n');
    assert.equal(first.netns, '/run/netns/step-1');
    await first.release();
    await first.release(); // a second release does not put it back twice
    const second = await pool.lease('step-2', 'nameserver 8.8.8.8\n');
    assert.equal(second.netns, '/run/netns/step-1');
    assert.equal(second.resolvConf, 'nameserver 8.8.8.8\n');
    const third = await pool.lease('step-3', '');
    assert.equal(third.netns, '/run/netns/step-3', 'one in use: the next step gets its own');
    assert.deepEqual(calls, { create: 2, join: 2, leave: 0, destroy: 0 });
    await pool.drain();
  });

  it('tears down what it cannot keep, and everything it keeps when drained', async () => {
    const { driver, calls } = countingDriver();
    const pool = new StepSandboxes(driver, () => bridge, 1);
    const a = await pool.lease('a', '');
    const b = await pool.lease('b', '');
    await a.release();
    await b.release(); // the pool holds one: b goes
    assert.deepEqual(calls, { create: 2, join: 2, leave: 1, destroy: 1 });
    await pool.drain();
    assert.deepEqual(calls, { create: 2, join: 2, leave: 2, destroy: 2 });
    assert.equal((await pool.lease('c', '')).netns, '/run/netns/c', 'drained: a new one is made');
    await pool.drain();
  });
});
