import * as assert from 'node:assert/strict';
import {
  checkCgroupsPath,
  hostCgroupDir,
  parseCgroupMounts,
  parseProcCgroup,
} from '../../../../engine/src/runtime/cgroups/layout';

// This VM: v1 controllers plus a cgroup2 mount holding only hugetlb ("hybrid").
const hybrid = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`;
const v2 = `25 20 0:22 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n`;
const combined = `30 25 0:26 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n`;

describe('cgroup layout', () => {
  it('sees a hybrid host: v1 hierarchies and the cgroup2 mount', () => {
    const layout = parseCgroupMounts(hybrid);
    assert.equal(layout.mode, 'hybrid');
    assert.deepEqual(
      layout.v1.map((h) => [h.name, h.controllers]),
      [
        ['cpu', ['cpu']],
        ['cpuacct', ['cpuacct']],
        ['memory', ['memory']],
        ['systemd', ['name=systemd']],
      ],
    );
    assert.equal(layout.unified?.mountPoint, '/sys/fs/cgroup/unified');
  });

  it('sees a pure v2 host', () => {
    const layout = parseCgroupMounts(v2);
    assert.equal(layout.mode, 'v2');
    assert.equal(layout.unified?.mountPoint, '/sys/fs/cgroup');
  });

  it('keeps co-mounted controllers together', () => {
    assert.deepEqual(parseCgroupMounts(combined).v1[0].controllers, ['cpu', 'cpuacct']);
  });

  it('refuses a host with no cgroup mount, saying what to do', () => {
    assert.throws(
      () => parseCgroupMounts('22 1 0:5 / /proc rw - proc proc rw\n'),
      /mount cgroup2 at \/sys\/fs\/cgroup/,
    );
  });

  it('places absolute paths at the hierarchy root and relative ones under our own cgroup', () => {
    const [memory] = parseCgroupMounts(hybrid).v1.filter((h) => h.name === 'memory');
    const own = parseProcCgroup('4:memory:/process_api/abc\n0::/\n');
    assert.equal(hostCgroupDir(memory, '/berth/c1', own), '/sys/fs/cgroup/memory/berth/c1');
    assert.equal(hostCgroupDir(memory, 'c1', own), '/sys/fs/cgroup/memory/process_api/abc/c1');
  });

  it('maps paths under a mount whose root is not /', () => {
    const layout = parseCgroupMounts('25 20 0:22 /kubepods /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n');
    assert.equal(hostCgroupDir(layout.unified!, '/kubepods/pod1/c1', new Map()), '/sys/fs/cgroup/pod1/c1');
    assert.throws(() => hostCgroupDir(layout.unified!, '/elsewhere', new Map()), /outside the cgroup/);
  });

  it('rejects paths that climb out or name a systemd slice', () => {
    assert.throws(() => checkCgroupsPath('/berth/../../etc'), /must not contain/);
    assert.throws(() => checkCgroupsPath('system.slice:berth:c1'), /systemd slice/);
  });
});
