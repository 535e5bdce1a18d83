import * as assert from 'node:assert/strict';
import { dropUnenforceable, fullSupport } from '../../../../engine/src/daemon/spec/limits';
import type { LinuxResources } from '../../../../engine/src/oci/runtime-spec';

describe('limits a berthd cannot enforce', () => {
  const asked = (): LinuxResources => ({
    memory: { limit: 64 << 20, swap: 128 << 20 },
    cpu: { quota: 50000, period: 100000, shares: 512, cpus: '0' },
    pids: { limit: 50 },
    devices: [{ allow: false, access: 'rwm' }],
  });

  it('root berthd keeps every limit and warns of none', () => {
    const r = asked();
    assert.deepEqual(dropUnenforceable(r, fullSupport('1')), []);
    assert.deepEqual(r, asked());
  });

  it('a delegated cgroup with only pids: the others are dropped, one warning each naming the controller', () => {
    const r = asked();
    const warnings = dropUnenforceable(r, {
      version: '2',
      driver: 'cgroupfs',
      controllers: ['pids'],
      reason: '/berth-ci has only pids',
    });
    assert.deepEqual(r, { pids: { limit: 50 }, devices: [{ allow: false, access: 'rwm' }] });
    assert.deepEqual(warnings, [
      "Memory limit discarded (the memory controller is not delegated to rootless berthd's cgroup: /berth-ci has only pids)",
      "CPU CFS quota discarded (the cpu controller is not delegated to rootless berthd's cgroup: /berth-ci has only pids)",
      "CPU shares discarded (the cpu controller is not delegated to rootless berthd's cgroup: /berth-ci has only pids)",
      "Cpuset discarded (the cpuset controller is not delegated to rootless berthd's cgroup: /berth-ci has only pids)",
    ]);
  });

  it('no cgroup at all: every limit is dropped with the reason, devices rules stay for the runtime to skip', () => {
    const r: LinuxResources = { memory: { limit: 64 << 20 }, devices: [] };
    const warnings = dropUnenforceable(r, {
      version: '1',
      driver: 'none',
      reason: 'this host mounts only cgroup v1',
    });
    assert.deepEqual(r, { devices: [] });
    assert.deepEqual(warnings, [
      'Memory limit discarded (rootless berthd has no cgroup: this host mounts only cgroup v1)',
    ]);
  });
});
