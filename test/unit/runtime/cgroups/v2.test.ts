import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { containerCgroup } from '../../../../engine/src/runtime/cgroups';
import { sharesToWeight } from '../../../../engine/src/runtime/cgroups/cpu';
import { blkioToIoWeight } from '../../../../engine/src/runtime/cgroups/blkio';
import { parseCgroupMounts } from '../../../../engine/src/runtime/cgroups/layout';

describe('cgroup v2 controllers (files under a temp root)', () => {
  let root: string;
  const read = (...p: string[]) => readFileSync(join(root, ...p), 'utf8');

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'berth-cgv2-'));
    for (const d of ['', 'berth']) {
      mkdirSync(join(root, d), { recursive: true });
      writeFileSync(join(root, d, 'cgroup.controllers'), 'cpuset cpu io memory pids');
      writeFileSync(join(root, d, 'cgroup.subtree_control'), d === '' ? 'memory' : '');
    }
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const cgroup = () =>
    containerCgroup(
      { layout: parseCgroupMounts(`25 20 0:22 / ${root} rw - cgroup2 cgroup2 rw\n`), own: new Map() },
      '/berth/c1',
    );

  it('delegates every available controller from the root down to the parent', () => {
    cgroup().create();
    assert.equal(read('cgroup.subtree_control'), '+cpuset +cpu +io +pids');
    assert.equal(read('berth/cgroup.subtree_control'), '+cpuset +cpu +io +memory +pids');
  });

  it("turns the spec's v1-style values into v2 files", () => {
    const cg = cgroup();
    cg.create();
    cg.apply(
      {
        memory: { limit: 100, swap: 300, reservation: 50 },
        cpu: { shares: 1024, quota: 50000, period: 100000, cpus: '0', mems: '0' },
        pids: { limit: 10 },
        blockIO: { weight: 500, throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 1048576 }] },
        unified: { 'memory.high': '80' },
      },
      [],
    );
    assert.equal(read('berth/c1/memory.max'), '100');
    assert.equal(read('berth/c1/memory.swap.max'), '200', 'swap.max is swap alone: memory+swap minus memory');
    assert.equal(read('berth/c1/memory.low'), '50');
    assert.equal(read('berth/c1/cpu.weight'), String(sharesToWeight(1024)));
    assert.equal(read('berth/c1/cpu.max'), '50000 100000');
    assert.equal(read('berth/c1/cpuset.cpus'), '0');
    assert.equal(read('berth/c1/pids.max'), '10');
    assert.equal(read('berth/c1/io.weight'), `default ${blkioToIoWeight(500)}`);
    assert.equal(read('berth/c1/io.max'), '8:0 rbps=1048576');
    assert.equal(read('berth/c1/memory.high'), '80');
  });

  it('converts weights the way runc and crun do', () => {
    assert.equal(sharesToWeight(2), 1);
    assert.equal(sharesToWeight(262144), 10000);
    assert.equal(sharesToWeight(1024), 39);
    assert.equal(blkioToIoWeight(10), 1);
    assert.equal(blkioToIoWeight(1000), 10000);
  });

  it('rejects a swap limit below the memory limit (swap counts memory+swap)', () => {
    const cg = cgroup();
    cg.create();
    assert.throws(() => cg.apply({ memory: { limit: 100, swap: 50 } }, []), /below memory.limit/);
  });

  it('rejects unified keys that are not plain file names', () => {
    const cg = cgroup();
    cg.create();
    assert.throws(() => cg.apply({ unified: { '../cgroup.procs': '1' } }, []), /not a control file name/);
  });

  it('counts OOM kills from memory.events', () => {
    const cg = cgroup();
    cg.create();
    writeFileSync(join(root, 'berth/c1/memory.events'), 'low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n');
    assert.equal(cg.oomKills(), 1);
  });
});
