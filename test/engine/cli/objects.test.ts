// `berth volume`, `network`, `cp` and the prune verbs driven like a user against a berthd of the
// test's own: the tables and JSON they print, and what really happened (bytes in the container,
// names resolving, objects gone from the daemon).
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chownSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { berthdForSuite, daemonTestsBlocked, type RunResult, type TestDaemon } from '../../helpers/berthd';

const berthBin = join(__dirname, '../../../../bin/berth');

describe('berth volume, network, cp and prune (against berthd)', function () {
  this.timeout(180_000);
  let d: TestDaemon;
  let work: string;
  const suffix = randomBytes(3).toString('hex');
  // Off the test daemons' 10.x pools, random so suites side by side do not collide.
  const subnet = `172.29.${randomBytes(1)[0]}`;
  berthdForSuite(daemonTestsBlocked, (started) => (d = started));
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'berth-cli-objects-'));
  });
  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  function berth(args: string[], input?: string | Buffer): Promise<RunResult & { raw: Buffer }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [berthBin, ...args], {
        env: d.env,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('close', (code) => {
        const raw = Buffer.concat(out);
        resolve({ status: code ?? -1, stdout: raw.toString(), stderr, raw });
      });
      child.stdin.end(input ?? '');
    });
  }
  async function ok(args: string[], input?: string | Buffer): Promise<string> {
    const r = await berth(args, input);
    assert.equal(r.status, 0, `berth ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  }
  async function docker(args: string[]): Promise<string> {
    const r = await d.docker(args);
    assert.equal(r.status, 0, `docker ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  }

  it('volume create, ls, inspect, rm: tables, JSON, and data that outlives its containers', async () => {
    const vol = `data-${suffix}`;
    assert.equal(await ok(['volume', 'create', '--label', 'tier=db', vol]), `${vol}\n`);
    const table = (await ok(['volume', 'ls'])).split('\n');
    assert.match(table[0], /^DRIVER\s{4}VOLUME NAME$/);
    assert.ok(
      table.some((l) => new RegExp(`^local\\s+${vol}$`).test(l)),
      table.join('\n'),
    );
    const json = (await ok(['volume', 'ls', '--format', 'json', '--filter', 'label=tier=db']))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, string>);
    assert.deepEqual(
      json.map((v) => [v.Name, v.Driver, v.Labels]),
      [[vol, 'local', 'tier=db']],
    );
    assert.equal(
      await ok(['volume', 'inspect', '-f', '{{.Name}} {{.Driver}} {{.Labels}}', vol]),
      `${vol} local map[tier:db]\n`,
    );
    const inspected = JSON.parse(await ok(['volume', 'inspect', vol])) as {
      Name: string;
      Mountpoint: string;
    }[];
    assert.equal(inspected[0].Name, vol);
    await docker(['run', '--rm', '-v', `${vol}:/data`, 'busybox', 'sh', '-c', 'echo kept > /data/f']);
    assert.equal(await docker(['run', '--rm', '-v', `${vol}:/data`, 'busybox', 'cat', '/data/f']), 'kept\n');
    assert.equal(readFileSync(join(inspected[0].Mountpoint, 'f'), 'utf8'), 'kept\n');
    // Shell completion lists the daemon's volumes (the scripts call this on TAB).
    assert.equal(await ok(['__complete', '--', 'volume', 'rm', `data-${suffix.slice(0, 3)}`]), `${vol}\n`);
    const missing = await berth(['volume', 'inspect', `nosuch-${suffix}`]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /no such volume/i);
    assert.equal(await ok(['volume', 'rm', vol]), `${vol}\n`);
    assert.ok(!(await ok(['volume', 'ls', '-q'])).split('\n').includes(vol));
  });

  it('volume create -o passes driver options (a tmpfs volume)', async () => {
    const vol = `tmp-${suffix}`;
    await ok([
      'volume',
      'create',
      '-d',
      'local',
      '-o',
      'type=tmpfs',
      '-o',
      'device=tmpfs',
      '-o',
      'o=size=2m',
      vol,
    ]);
    assert.equal(
      await ok(['volume', 'inspect', '-f', '{{.Options.type}} {{.Options.o}}', vol]),
      'tmpfs size=2m\n',
    );
    const mounts = await docker([
      'run',
      '--rm',
      '-v',
      `${vol}:/d`,
      'busybox',
      'grep',
      ' /d ',
      '/proc/mounts',
    ]);
    assert.match(mounts, /^tmpfs \/d tmpfs .*size=2048k/);
    await ok(['volume', 'rm', vol]);
  });

  it('volume prune removes exactly the unused volumes it lists, after asking', async () => {
    const used = `used-${suffix}`;
    const unused = `unused-${suffix}`;
    await ok(['volume', 'create', used]);
    await ok(['volume', 'create', unused]);
    await docker(['create', '--name', `holder-${suffix}`, '-v', `${used}:/v`, 'busybox', 'true']);
    const declined = await berth(['volume', 'prune', '-a'], 'n\n');
    assert.match(
      declined.stderr,
      /WARNING! This will remove all local volumes not used by at least one container\.\nAre you sure you want to continue\? \[y\/N\] $/,
    );
    assert.ok((await ok(['volume', 'ls', '-q'])).includes(unused), 'nothing removed on "n"');
    const pruned = await ok(['volume', 'prune', '-a', '-f']);
    assert.match(pruned, new RegExp(`^Deleted Volumes:\\n${unused}\\n\\nTotal reclaimed space: `));
    const left = (await ok(['volume', 'ls', '-q'])).split('\n');
    assert.ok(left.includes(used) && !left.includes(unused), left.join(' '));
    await docker(['rm', `holder-${suffix}`]);
  });

  it('network create, ls, inspect; connect makes a container resolvable by name and alias; disconnect, rm', async () => {
    const net = `n-${suffix}`;
    const id = (
      await ok([
        'network',
        'create',
        '--subnet',
        `${subnet}.0/24`,
        '--gateway',
        `${subnet}.1`,
        '--label',
        'app=shop',
        net,
      ])
    ).trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    const table = (await ok(['network', 'ls'])).split('\n');
    assert.match(table[0], /^NETWORK ID\s+NAME\s+DRIVER\s+SCOPE$/);
    assert.ok(
      table.some((l) => new RegExp(`^${id.slice(0, 12)}\\s+${net}\\s+bridge\\s+local$`).test(l)),
      table.join('\n'),
    );
    assert.equal(
      await ok([
        'network',
        'inspect',
        '-f',
        '{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}} {{index .Labels "app"}}',
        net,
      ]),
      `${subnet}.0/24 ${subnet}.1 shop\n`,
    );
    assert.equal(
      await ok(['network', 'ls', '--filter', `name=${net}`, '--format', '{{.Name}}:{{.Driver}}']),
      `${net}:bridge\n`,
    );
    await docker(['run', '-d', '--name', `web-${suffix}`, 'busybox', 'sleep', '600']);
    await docker(['run', '-d', '--name', `probe-${suffix}`, '--network', net, 'busybox', 'sleep', '600']);
    await ok([
      'network',
      'connect',
      '--alias',
      `shop-${suffix}`,
      '--ip',
      `${subnet}.50`,
      net,
      `web-${suffix}`,
    ]);
    for (const name of [`web-${suffix}`, `shop-${suffix}`]) {
      const lookup = await docker(['exec', `probe-${suffix}`, 'nslookup', name]);
      assert.ok(lookup.includes(`Address: ${subnet}.50`), `${name}: ${lookup}`);
    }
    assert.match(
      await docker(['exec', `probe-${suffix}`, 'ping', '-c', '1', '-W', '3', `shop-${suffix}`]),
      /1 packets received/,
    );
    assert.equal(await ok(['__complete', '--', 'network', 'connect', `n-${suffix}`]), `${net}\n`);
    await ok(['network', 'disconnect', net, `web-${suffix}`]);
    const gone = await d.docker(['exec', `probe-${suffix}`, 'nslookup', `shop-${suffix}`]);
    assert.notEqual(gone.status, 0, 'the alias no longer resolves');
    await docker(['rm', '-f', `web-${suffix}`, `probe-${suffix}`]);
    assert.equal(await ok(['network', 'rm', net]), `${net}\n`);
    const again = await berth(['network', 'rm', net]);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /not found|no such/i);
  });

  it('diff, commit, export and import: the changes of a container become images, its files a tarball and back', async () => {
    const name = `fs-${suffix}`;
    await ok([
      'run',
      '-d',
      '--name',
      name,
      '--network',
      'none',
      'busybox',
      'sh',
      '-c',
      'echo made > /made; rm /bin/vi; touch /ready; exec sleep 1000',
    ]);
    try {
      const deadline = Date.now() + 20_000;
      while ((await berth(['exec', name, 'test', '-e', '/ready'])).status !== 0) {
        assert.ok(Date.now() < deadline, 'the container never made /ready');
      }
      const changes = (await ok(['diff', name])).trim().split('\n').sort();
      assert.deepEqual(changes, ['A /made', 'A /ready', 'C /bin', 'D /bin/vi']);

      const committed = (
        await ok(['commit', '-c', 'CMD ["cat", "/made"]', name, `committed-${suffix}:1`])
      ).trim();
      assert.match(committed, /^sha256:[0-9a-f]{64}$/);
      assert.equal(await ok(['run', '--rm', '--network', 'none', `committed-${suffix}:1`]), 'made\n');

      const tarball = join(work, 'exported.tar');
      await ok(['export', '-o', tarball, name]);
      const imported = (
        await ok([
          'import',
          '-c',
          'CMD ["cat", "/made"]',
          '-m',
          'from export',
          tarball,
          `imported-${suffix}:1`,
        ])
      ).trim();
      assert.match(imported, /^sha256:[0-9a-f]{64}$/);
      assert.equal(await ok(['run', '--rm', '--network', 'none', `imported-${suffix}:1`]), 'made\n');
      assert.equal(
        (await docker(['history', '--format', '{{.Comment}}', `imported-${suffix}:1`])).trim(),
        'from export',
      );
      // From stdin, as `berth export NAME | berth import - REF` pipes it.
      await ok(['import', '-', `imported-${suffix}:stdin`], readFileSync(tarball));
      assert.equal(
        await ok([
          'run',
          '--rm',
          '--network',
          'none',
          `imported-${suffix}:stdin`,
          'test',
          '!',
          '-e',
          '/bin/vi',
        ]),
        '',
      );
    } finally {
      await berth(['rm', '-f', name]);
    }
  });

  it('update changes the limits of a running container at once, as the container sees them', async () => {
    const name = `upd-${suffix}`;
    await docker([
      'run',
      '-d',
      '--name',
      name,
      '--network',
      'none',
      '--memory',
      '64m',
      'busybox',
      'sleep',
      '300',
    ]);
    const limits = async () =>
      docker([
        'exec',
        name,
        'sh',
        '-c',
        'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory.max 2>/dev/null; cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/pids.max 2>/dev/null; cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu.max 2>/dev/null; true',
      ]);
    try {
      assert.match(await limits(), /^67108864$/m);
      // The stock docker CLI, then ours: each takes effect in the running container.
      assert.equal((await docker(['update', '--memory', '96m', '--pids-limit', '30', name])).trim(), name);
      let seen = await limits();
      assert.match(seen, /^100663296$/m);
      assert.match(seen, /^30$/m);
      assert.equal((await ok(['update', '-m', '512m', '--cpus', '0.5', name])).trim(), name);
      seen = await limits();
      assert.match(seen, /^536870912$/m, 'raised above the old memory+swap limit');
      assert.match(seen, /^(50000|50000 100000)$/m);
      assert.match(seen, /^30$/m, 'what the update does not name stays');
      const host = JSON.parse(await docker(['inspect', '-f', '{{json .HostConfig}}', name])) as Record<
        string,
        unknown
      >;
      assert.equal(host.Memory, 536870912);
      assert.equal(host.PidsLimit, 30);

      const none = await berth(['update', name]);
      assert.notEqual(none.status, 0);
      assert.match(none.stderr, /one or more flags/);
      const bad = await berth(['update', '--memory', 'lots', name]);
      assert.notEqual(bad.status, 0);
      assert.match(bad.stderr, /invalid size "lots"/);
    } finally {
      await d.docker(['rm', '-f', name]);
    }
  });

  it('attach joins a running container: input in, output out, its exit status; the detach keys leave it running', async () => {
    const ended = `att-${suffix}`;
    await docker([
      'run',
      '-d',
      '-i',
      '--name',
      ended,
      'busybox',
      'sh',
      '-c',
      'read l; echo got $l; echo err >&2; exit 7',
    ]);
    const stopped = `att-stopped-${suffix}`;
    await docker(['create', '--name', stopped, 'busybox', 'true']);
    const kept = `att-kept-${suffix}`;
    await docker([
      'run',
      '-d',
      '-i',
      '--name',
      kept,
      'busybox',
      'sh',
      '-c',
      'while read l; do echo got $l; done',
    ]);
    try {
      // The container waits on its stdin, so nothing is missed before attach connects.
      const r = await berth(['attach', ended], 'hello\n');
      assert.equal(r.stdout, 'got hello\n');
      assert.equal(r.stderr, 'err\n');
      assert.equal(r.status, 7, 'the container exit status');

      const refused = await berth(['attach', stopped]);
      assert.equal(refused.status, 1);
      assert.match(refused.stderr, /cannot attach to a stopped container, start it first/);

      // Type a line, see its answer, then ctrl-p ctrl-q: berth exits 0 and the container runs on,
      // its stdin still open (it was not created to close it with the first client: no StdinOnce).
      const typeThenDetach = async (line: string): Promise<number | null> => {
        const child = spawn(process.execPath, [berthBin, 'attach', kept], { env: d.env, stdio: 'pipe' });
        let out = '';
        const answered = new Promise<void>((resolve) =>
          child.stdout.on('data', (c: Buffer) => (out += c.toString()).includes(`got ${line}`) && resolve()),
        );
        const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
        child.stdin.write(`${line}\n`);
        await answered;
        child.stdin.write(Buffer.from([16, 17]));
        const status = await exited;
        child.stdin.destroy();
        return status;
      };
      assert.equal(await typeThenDetach('one'), 0);
      assert.equal((await docker(['inspect', '-f', '{{.State.Running}}', kept])).trim(), 'true');
      assert.equal(await typeThenDetach('two'), 0, 'attached again, it still reads its stdin');
    } finally {
      await d.docker(['rm', '-f', ended, stopped, kept]);
    }
  });

  it('cp copies files and directories both ways, and tars on stdin/stdout', async () => {
    const c = `cp-${suffix}`;
    await docker(['run', '-d', '--name', c, 'busybox', 'sleep', '600']);
    // Completion lists the daemon's containers (through `berth ps`).
    assert.equal(await ok(['__complete', '--', 'cp', `cp-${suffix.slice(0, 4)}`]), `${c}\n`);
    const bytes = randomBytes(200_000);
    writeFileSync(join(work, 'blob'), bytes);
    const r = await berth(['cp', join(work, 'blob'), `${c}:/tmp/`]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`^Successfully copied \\S+ to ${c}:/tmp/\\n$`));
    assert.equal(
      await docker(['exec', c, 'md5sum', '/tmp/blob']),
      `${createHash('md5').update(bytes).digest('hex')}  /tmp/blob\n`,
    );
    await ok(['cp', join(work, 'blob'), `${c}:/tmp/renamed`]);
    assert.equal((await docker(['exec', c, 'stat', '-c', '%s', '/tmp/renamed'])).trim(), '200000');
    // A directory into the container, under a new name.
    mkdirSync(join(work, 'tree/sub'), { recursive: true });
    writeFileSync(join(work, 'tree/sub/a.txt'), 'alpha');
    await ok(['cp', join(work, 'tree'), `${c}:/srv`]);
    assert.equal(await docker(['exec', c, 'cat', '/srv/sub/a.txt']), 'alpha');
    // And back out: a file to a new name, a directory into an existing one.
    await ok(['cp', `${c}:/tmp/blob`, join(work, 'back')]);
    assert.ok(readFileSync(join(work, 'back')).equals(bytes));
    mkdirSync(join(work, 'out'));
    await ok(['cp', `${c}:/srv`, join(work, 'out')]);
    assert.equal(readFileSync(join(work, 'out/srv/sub/a.txt'), 'utf8'), 'alpha');
    // `-`: a tar on stdout, and a tar from stdin.
    const tarOut = await berth(['cp', `${c}:/srv/sub/a.txt`, '-']);
    assert.equal(tarOut.status, 0, tarOut.stderr);
    assert.equal(tarOut.raw.subarray(0, 5).toString(), 'a.txt');
    assert.equal(tarOut.raw.subarray(512, 517).toString(), 'alpha');
    const tarIn = await berth(['cp', '-', `${c}:/tmp`], tarOut.raw);
    assert.equal(tarIn.status, 0, tarIn.stderr);
    assert.equal(await docker(['exec', c, 'cat', '/tmp/a.txt']), 'alpha');
    // What goes wrong says so.
    const noFile = await berth(['cp', `${c}:/nope`, join(work, 'x')]);
    assert.equal(noFile.status, 1);
    assert.match(noFile.stderr, /nope/);
    const noContainer = await berth(['cp', join(work, 'blob'), `nosuch-${suffix}:/tmp`]);
    assert.equal(noContainer.status, 1);
    assert.match(noContainer.stderr, /No such container/i);
    await docker(['rm', '-f', c]);
  });

  it('cp -L follows a symlink, -a keeps owners, both ways', async () => {
    const c = `cpal-${suffix}`;
    await docker(['run', '-d', '--name', c, 'busybox', 'sleep', '600']);
    await docker([
      'exec',
      c,
      'sh',
      '-c',
      'echo target > /tmp/t && ln -s /tmp/t /tmp/link && chown 1234:2345 /tmp/t',
    ]);
    await ok(['cp', `${c}:/tmp/link`, join(work, 'as-link')]);
    assert.equal(readlinkSync(join(work, 'as-link')), '/tmp/t');
    await ok(['cp', '-L', `${c}:/tmp/link`, join(work, 'followed')]);
    assert.equal(readFileSync(join(work, 'followed'), 'utf8'), 'target\n');
    await ok(['cp', `${c}:/tmp/t`, join(work, 'owned-by-me')]);
    assert.equal(statSync(join(work, 'owned-by-me')).uid, process.getuid!());
    await ok(['cp', '-a', `${c}:/tmp/t`, join(work, 'owned-as-inside')]);
    const kept = statSync(join(work, 'owned-as-inside'));
    assert.deepEqual([kept.uid, kept.gid], [1234, 2345]);
    writeFileSync(join(work, 'mine'), 'x');
    chownSync(join(work, 'mine'), 4321, 5432);
    await ok(['cp', '-a', join(work, 'mine'), `${c}:/tmp/a`]);
    await ok(['cp', join(work, 'mine'), `${c}:/tmp/plain`]);
    assert.equal(
      await docker(['exec', c, 'stat', '-c', '%u:%g', '/tmp/a', '/tmp/plain']),
      '4321:5432\n0:0\n',
    );
    await docker(['rm', '-f', c]);
  });

  it('system df sums images, containers, volumes and build cache; -v lists each', async () => {
    const vol = `df-${suffix}`;
    await docker([
      'run',
      '--name',
      `df-${suffix}`,
      '-v',
      `${vol}:/d`,
      'busybox',
      'sh',
      '-c',
      'head -c 100000 /dev/zero > /d/z',
    ]);
    const table = await ok(['system', 'df']);
    const lines = table.trimEnd().split('\n');
    assert.match(lines[0], /^TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE$/);
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(/\s{2,}/)[0]),
      ['Images', 'Containers', 'Local Volumes', 'Build Cache'],
    );
    assert.match(lines[1], /^Images\s+\d+\s+\d+\s+\S+\s+\S+ \(\d+%\)$/);
    const counts = await ok(['system', 'df', '--format', '{{.Type}}={{.TotalCount}}/{{.Active}}']);
    const containers = (await docker(['ps', '-aq'])).trim().split('\n').length;
    const running = (await docker(['ps', '-q'])).trim().split('\n').filter(Boolean).length;
    assert.ok(counts.includes(`Containers=${containers}/${running}\n`), counts);
    const verbose = await ok(['system', 'df', '-v']);
    assert.match(
      verbose,
      /^Images space usage:\n\nREPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE\s+SHARED SIZE\s+UNIQUE SIZE\s+CONTAINERS\n/,
    );
    assert.match(
      verbose,
      new RegExp(
        `\\n[0-9a-f]{12}\\s+busybox\\s+"sh -c 'head -c 1000…"\\s+1\\s+\\S+\\s+.+ ago\\s+Exited \\(0\\).*\\s+df-${suffix}\\n`,
      ),
    );
    assert.match(
      verbose,
      new RegExp(
        `Local Volumes space usage:\\n\\nVOLUME NAME\\s+LINKS\\s+SIZE\\n(.*\\n)*${vol}\\s+1\\s+10\\dkB\\n`,
      ),
    );
    assert.match(
      verbose,
      /\nBuild cache usage: \S+\n\nCACHE ID\s+CACHE TYPE\s+SIZE\s+CREATED\s+LAST USED\s+USAGE\s+SHARED\n/,
    );
    await docker(['rm', `df-${suffix}`]);
    await ok(['volume', 'rm', vol]);
  });

  it('container prune and system prune remove exactly what they list', async () => {
    const stopped = (await docker(['create', '--name', `stopped-${suffix}`, 'busybox', 'true'])).trim();
    await docker(['run', '-d', '--name', `running-${suffix}`, 'busybox', 'sleep', '600']);
    const declined = await berth(['container', 'prune'], 'no\n');
    assert.match(
      declined.stderr,
      /WARNING! This will remove all stopped containers\.\nAre you sure you want to continue\? \[y\/N\] $/,
    );
    const pruned = await ok(['container', 'prune', '-f']);
    assert.match(pruned, new RegExp(`^Deleted Containers:\\n(.*\\n)*${stopped}\\n`));
    const names = await docker(['ps', '-a', '--format', '{{.Names}}']);
    assert.ok(names.includes(`running-${suffix}`) && !names.includes(`stopped-${suffix}`), names);

    const net = `spare-${suffix}`;
    await ok(['network', 'create', net]);
    await docker(['create', '--name', `stopped2-${suffix}`, 'busybox', 'true']);
    const prompt = await berth(['system', 'prune', '--volumes'], '\n');
    assert.equal(
      prompt.stderr,
      'WARNING! This will remove:\n  - all stopped containers\n  - all networks not used by at least one container\n' +
        '  - all anonymous volumes not used by at least one container\n  - all dangling images\n  - unused build cache\n\n' +
        'Are you sure you want to continue? [y/N] ',
    );
    const out = await ok(['system', 'prune', '-f']);
    assert.match(out, /Deleted Containers:\n[0-9a-f]{64}\n/);
    assert.match(out, new RegExp(`Deleted Networks:\\n${net}\\n`));
    assert.match(out, /Total reclaimed space: \S+\n$/);
    assert.ok((await docker(['ps', '-a', '--format', '{{.Names}}'])).includes(`running-${suffix}`));
    assert.ok(!(await ok(['network', 'ls', '--format', '{{.Name}}'])).includes(net));
    await docker(['rm', '-f', `running-${suffix}`]);
  });
});
