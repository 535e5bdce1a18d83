import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { containerCgroup } from '../../../../engine/src/runtime/cgroups';
import { parseCgroupMounts } from '../../../../engine/src/runtime/cgroups/layout';

describe('cgroup v1 controllers (files under a temp root)', () => {
  let root: string;
  const read = (...p: string[]) => readFileSync(join(root, ...p), 'utf8');

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'berth-cgv1-'));
    for (const c of ['memory', 'cpu', 'cpuset', 'pids', 'devices', 'freezer', 'blkio'])
      mkdirSync(join(root, c));
    writeFileSync(join(root, 'cpuset/cpuset.cpus'), '0-3');
    writeFileSync(join(root, 'cpuset/cpuset.mems'), '0');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function cgroup() {
    const mountinfo = ['memory', 'cpu', 'cpuset', 'pids', 'devices', 'freezer', 'blkio']
      .map((c, i) => `${30 + i} 20 0:${30 + i} / ${root}/${c} rw - cgroup cgroup rw,${c}`)
      .join('\n');
    return containerCgroup({ layout: parseCgroupMounts(mountinfo), own: new Map() }, '/berth/c1');
  }

  /** Fresh v1 cpuset cgroups start empty: what the kernel shows for a new directory. */
  function emptyCpusets(): void {
    for (const d of ['cpuset/berth', 'cpuset/berth/c1']) {
      mkdirSync(join(root, d), { recursive: true });
      writeFileSync(join(root, d, 'cpuset.cpus'), '');
      writeFileSync(join(root, d, 'cpuset.mems'), '');
    }
  }

  it('makes one directory per hierarchy and fills empty cpusets from the top down', () => {
    emptyCpusets();
    cgroup().create();
    assert.equal(read('cpuset/berth/cpuset.cpus'), '0-3');
    assert.equal(read('cpuset/berth/c1/cpuset.mems'), '0');
    for (const c of ['memory', 'pids', 'freezer']) assert.ok(existsSync(join(root, c, 'berth/c1')));
  });

  it('writes memory, cpu, pids and block I/O limits', () => {
    emptyCpusets();
    const cg = cgroup();
    cg.create();
    writeFileSync(join(root, 'memory/berth/c1/memory.memsw.limit_in_bytes'), '');
    writeFileSync(join(root, 'blkio/berth/c1/blkio.weight'), '');
    cg.apply(
      {
        memory: {
          limit: 64 << 20,
          swap: 128 << 20,
          reservation: 32 << 20,
          swappiness: 10,
          disableOOMKiller: true,
        },
        cpu: { shares: 512, quota: 50000, period: 100000, cpus: '1' },
        pids: { limit: 32 },
        blockIO: { weight: 300 },
      },
      [],
    );
    assert.equal(read('memory/berth/c1/memory.limit_in_bytes'), String(64 << 20));
    assert.equal(read('memory/berth/c1/memory.memsw.limit_in_bytes'), String(128 << 20));
    assert.equal(read('memory/berth/c1/memory.soft_limit_in_bytes'), String(32 << 20));
    assert.equal(read('memory/berth/c1/memory.swappiness'), '10');
    assert.equal(read('memory/berth/c1/memory.oom_control'), '1');
    assert.equal(read('cpu/berth/c1/cpu.shares'), '512');
    assert.equal(read('cpu/berth/c1/cpu.cfs_period_us'), '100000');
    assert.equal(read('cpu/berth/c1/cpu.cfs_quota_us'), '50000');
    assert.equal(read('cpuset/berth/c1/cpuset.cpus'), '1');
    assert.equal(read('pids/berth/c1/pids.max'), '32');
    assert.equal(read('blkio/berth/c1/blkio.weight'), '300');
  });

  it('writes pids.max "max" for an unlimited container', () => {
    emptyCpusets();
    const cg = cgroup();
    cg.create();
    cg.apply({ pids: { limit: 0 } }, []);
    assert.equal(read('pids/berth/c1/pids.max'), 'max');
  });

  it('says so when swap is asked but the kernel does not account it', () => {
    emptyCpusets();
    const cg = cgroup();
    cg.create();
    assert.throws(() => cg.apply({ memory: { limit: 1 << 20, swap: 2 << 20 } }, []), /swapaccount=1/);
  });

  it('writes device rules in order, deny-all first', () => {
    emptyCpusets();
    const cg = cgroup();
    cg.create();
    cg.apply(undefined, [
      { allow: false, access: 'rwm' },
      { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' },
    ]);
    assert.equal(read('devices/berth/c1/devices.deny'), 'a');
    assert.equal(read('devices/berth/c1/devices.allow'), 'c 1:3 rwm');
  });

  it('counts OOM kills from memory.oom_control', () => {
    emptyCpusets();
    const cg = cgroup();
    cg.create();
    writeFileSync(
      join(root, 'memory/berth/c1/memory.oom_control'),
      'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n',
    );
    assert.equal(cg.oomKills(), 2);
  });

  it('refuses v2-only settings with the reason', () => {
    emptyCpusets();
    const cg = cgroup();
    cg.create();
    assert.throws(() => cg.apply({ unified: { 'memory.high': '1M' } }, []), /needs a cgroup v2 host/);
  });
});
