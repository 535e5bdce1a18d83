import * as assert from 'node:assert/strict';
import { fullSupport } from '../../../engine/src/daemon/spec/limits';
import { type InfoInput, systemInfo } from '../../../engine/src/daemon/system';

describe('docker info: what limits this berthd can enforce', () => {
  const input = (cgroup: InfoInput['cgroup']): InfoInput => ({
    id: 'x',
    containers: { running: 0, paused: 0, stopped: 0 },
    images: 0,
    dataRoot: '/var/lib/berth',
    cgroup,
    insecureRegistries: [],
    eventListeners: 0,
    rootless: cgroup.driver === 'none' || !!cgroup.controllers,
    warnings: [],
  });
  const limits = (i: ReturnType<typeof systemInfo>) => ({
    driver: i.CgroupDriver,
    version: i.CgroupVersion,
    memory: i.MemoryLimit,
    swap: i.SwapLimit,
    quota: i.CpuCfsQuota,
    shares: i.CPUShares,
    cpuset: i.CPUSet,
    pids: i.PidsLimit,
  });

  it('as root: every limit, no warning', () => {
    const info = systemInfo(input(fullSupport('2')));
    assert.deepEqual(limits(info), {
      driver: 'cgroupfs',
      version: '2',
      memory: true,
      swap: true,
      quota: true,
      shares: true,
      cpuset: true,
      pids: true,
    });
    assert.deepEqual(info.Warnings, []);
  });

  it('rootless with memory and pids delegated: those, and a warning for each missing kind', () => {
    const info = systemInfo(input({ version: '2', driver: 'cgroupfs', controllers: ['memory', 'pids'] }));
    assert.deepEqual(limits(info), {
      driver: 'cgroupfs',
      version: '2',
      memory: true,
      swap: true,
      quota: false,
      shares: false,
      cpuset: false,
      pids: true,
    });
    assert.deepEqual(info.Warnings, [
      'WARNING: No cpu cfs quota support',
      'WARNING: No cpu shares support',
      'WARNING: No cpuset support',
    ]);
  });

  it('rootless without a cgroup: driver none, nothing claimed', () => {
    const info = systemInfo(input({ version: '1', driver: 'none', reason: 'v1' }));
    assert.equal(info.CgroupDriver, 'none');
    assert.equal(info.MemoryLimit || info.PidsLimit || info.CpuCfsQuota || info.OomKillDisable, false);
    assert.ok(info.Warnings.includes('WARNING: No memory limit support'));
  });
});
