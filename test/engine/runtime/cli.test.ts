// bin/berth-runtime as engines call it: runc's commands and flags, exit codes, state JSON, logs.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Runtime } from '../../../engine/src/runtime';
import { hostSyscalls } from '../../../engine/src/runtime/linux/host';
import {
  makeBundle,
  probeSpec,
  removeTestCgroupParents,
  runtimeTestsBlocked,
  scratchDir,
  sharedRootfs,
  uniqueId,
} from '../../helpers/runtime';
import { skipIfBlocked } from '../../helpers/skip';

const bin = resolve(__dirname, '../../../../bin/berth-runtime');

describe('berth-runtime command line', function () {
  this.timeout(120000);
  let root: string;
  let bundle: string;

  /** Runs the CLI; returns its exit status and output. */
  function cli(...args: string[]): { status: number; stdout: string; stderr: string } {
    // A created container keeps the stdio it was given: with pipes, spawnSync would wait for it.
    const stdio = args.includes('create') ? 'ignore' : 'pipe';
    const r = spawnSync(bin, ['--root', root, ...args], {
      cwd: bundle,
      encoding: 'utf8',
      timeout: 60000,
      stdio,
    });
    return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  }

  function setArgs(args: string[], id: string): void {
    const config = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8'));
    config.process.terminal = false;
    config.process.args = args;
    config.root = { path: sharedRootfs(), readonly: true };
    config.linux.cgroupsPath = `/berth-test/${id}`;
    writeFileSync(join(bundle, 'config.json'), JSON.stringify(config));
  }

  before(function () {
    skipIfBlocked(this, runtimeTestsBlocked(), 'runtime engine tests');
    root = join(scratchDir(), uniqueId('cli-state'));
    bundle = join(scratchDir(), uniqueId('cli-bundle'));
    mkdirSync(bundle);
  });
  after(removeTestCgroupParents);

  it('writes a default config.json with spec, and refuses to overwrite it', () => {
    assert.equal(cli('spec').status, 0);
    const config = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8'));
    assert.equal(config.ociVersion, '1.0.2');
    assert.deepEqual(config.process.args, ['sh']);
    const again = cli('spec');
    assert.equal(again.status, 1);
    assert.match(again.stderr, /config.json already exists: remove it first/);
  });

  it('runs a container to completion and exits with its status', () => {
    const id = uniqueId('cli-run');
    setArgs(['sh', '-c', 'echo hello from $(hostname); exit 3'], id);
    const r = cli('run', id);
    assert.equal(r.status, 3, r.stderr);
    assert.equal(r.stdout, 'hello from berth\n');
    assert.equal(cli('state', id).status, 1, 'run removes the container');
  });

  it('drives the lifecycle: create, state, list, start, exec, ps, kill, delete', () => {
    const id = uniqueId('cli-life');
    setArgs(['sh', '-c', 'sleep 60 & wait'], id);
    const pidFile = join(scratchDir(), `${id}.pid`);
    assert.equal(cli('create', '--bundle', bundle, '--pid-file', pidFile, id).status, 0);
    const created = JSON.parse(cli('state', id).stdout);
    assert.equal(created.status, 'created');
    assert.equal(created.id, id);
    assert.equal(created.bundle, bundle);
    assert.equal(String(created.pid), readFileSync(pidFile, 'utf8'));
    assert.match(cli('list').stdout, new RegExp(`^${id}\\s+${created.pid}\\s+created\\s`, 'm'));

    assert.equal(cli('start', id).status, 0);
    assert.equal(JSON.parse(cli('state', id).stdout).status, 'running');
    const e = cli('exec', id, 'sh', '-c', 'echo $$; exit 4');
    assert.equal(e.status, 4);
    assert.notEqual(e.stdout.trim(), '1');
    const pids = JSON.parse(cli('ps', '--format', 'json', id).stdout) as number[];
    assert.ok(pids.includes(created.pid));

    const busy = cli('delete', id);
    assert.equal(busy.status, 1);
    assert.match(busy.stderr, /it is running; stop it first, or use --force/);
    const pidfd = hostSyscalls.pidfdOpen(created.pid);
    try {
      assert.equal(cli('kill', id, 'KILL').status, 0);
      assert.ok(hostSyscalls.waitReadable(pidfd, 30000), 'the container exits on KILL');
    } finally {
      hostSyscalls.close(pidfd);
    }
    assert.equal(JSON.parse(cli('state', id).stdout).status, 'stopped');
    assert.equal(cli('delete', id).status, 0);
    assert.ok(!existsSync(join(root, id)));
  });

  it('changes the limits of a running container with update (flags, then --resources - as engines pass)', () => {
    const id = uniqueId('cli-update');
    setArgs(['sh', '-c', 'sleep 60 & wait'], id);
    assert.equal(cli('create', '--bundle', bundle, id).status, 0);
    assert.equal(cli('start', id).status, 0);
    // Asked inside the container; v1 files here, v2 names on a unified host.
    const limits = () =>
      cli(
        'exec',
        id,
        'sh',
        '-c',
        'cd /sys/fs/cgroup; for f in memory/memory.limit_in_bytes memory/memory.memsw.limit_in_bytes pids/pids.max cpu/cpu.cfs_quota_us memory.max memory.swap.max pids.max cpu.max; do [ -e $f ] && echo "$f $(cat $f)"; done; true',
      ).stdout;
    const u = cli('update', '--memory', '64m', '--memory-swap', '64m', '--pids-limit', '20', id);
    assert.equal(u.status, 0, u.stderr);
    let seen = limits();
    assert.match(seen, /^(memory\/memory\.limit_in_bytes|memory\.max) 67108864$/m);
    assert.match(seen, /^(pids\/pids\.max|pids\.max) 20$/m);
    // Raising the limit above the current memory+swap needs memsw raised first (v1).
    const resources = {
      memory: { limit: 134217728, swap: 268435456 },
      cpu: { quota: 50000, period: 100000 },
    };
    const r = spawnSync(bin, ['--root', root, 'update', '--resources', '-', id], {
      input: JSON.stringify(resources),
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    seen = limits();
    assert.match(seen, /^(memory\/memory\.limit_in_bytes|memory\.max) 134217728$/m);
    assert.match(seen, /^(memory\/memory\.memsw\.limit_in_bytes 268435456|memory\.swap\.max 134217728)$/m);
    assert.match(seen, /^(cpu\/cpu\.cfs_quota_us 50000|cpu\.max 50000 100000)$/m);
    assert.match(cli('update', '--memory', 'lots', id).stderr, /--memory "lots" is not a size/);
    // checkBeforeUpdate: a limit below the current usage is refused, and nothing changes.
    const tiny = spawnSync(bin, ['--root', root, 'update', '-r', '-', id], {
      input: JSON.stringify({ memory: { limit: 4096, checkBeforeUpdate: true } }),
      encoding: 'utf8',
    });
    assert.equal(tiny.status, 1);
    assert.match(tiny.stderr, /memory.limit 4096 is below its current usage \d+ \(checkBeforeUpdate\)/);
    assert.match(limits(), /^(memory\/memory\.limit_in_bytes|memory\.max) 134217728$/m);

    assert.equal(cli('delete', '--force', id).status, 0);
  });

  it('streams stats and a live OOM event with events, and prints stats once with --stats', async () => {
    const id = uniqueId('cli-events');
    const rt = new Runtime({ root });
    const spec = probeSpec('read x; sh -c "tail /dev/zero"; echo survived; read y', id);
    spec.linux!.resources = { ...spec.linux!.resources, memory: { limit: 32 << 20, swap: 32 << 20 } };
    // (stderr ignored: the shell reports its killed child there)
    const c = await rt.run(id, { bundle: makeBundle(spec, id), stdio: ['pipe', 'pipe', 'ignore'] });
    try {
      const once = cli('events', '--stats', id);
      assert.equal(once.status, 0, once.stderr);
      const event = JSON.parse(once.stdout);
      assert.equal(event.type, 'stats');
      assert.equal(event.id, id);
      assert.equal(event.data.memory.usage.limit, 32 << 20);
      assert.ok(event.data.pids.current >= 1);
      assert.ok(event.data.cpu.usage.total > 0);

      const stream = spawn(bin, ['--root', root, 'events', '--interval', '200ms', id], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const lines = createInterface({ input: stream.stdout! });
      const seen: string[] = [];
      const next = (accept: (e: { type: string }) => boolean) =>
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no such event in: ${seen.join('\n')}`)), 60000);
          const onLine = (line: string) => {
            seen.push(line);
            if (!accept(JSON.parse(line))) return;
            clearTimeout(timer);
            lines.off('line', onLine);
            resolve();
          };
          lines.on('line', onLine);
        });
      await next((e) => e.type === 'stats');
      c.stdin!.write('hog\n'); // a child outgrows the limit and is killed; the container goes on
      await next((e) => e.type === 'oom');
      await new Promise((resolve) => c.stdout!.once('data', resolve)); // "survived"
      const ended = new Promise((resolve) => stream.once('exit', resolve));
      c.stdin!.end('done\n');
      assert.equal(await ended, 0, 'the stream ends when the container stops');
    } finally {
      await rt.delete(id, { force: true }).catch(() => undefined);
      await rt.close();
    }
  });

  it('says what is wrong, in the log too, as JSON lines', () => {
    const log = join(scratchDir(), `${uniqueId('cli')}.log`);
    const r = spawnSync(
      bin,
      ['--root', root, '--log', log, '--log-format', 'json', 'create', '--bundle', '/nonexistent', 'x'],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 1);
    assert.match(r.stderr, /\/nonexistent\/config.json does not exist: pass the bundle directory/);
    const entry = JSON.parse(readFileSync(log, 'utf8').trim().split('\n').at(-1)!);
    assert.equal(entry.level, 'error');
    assert.match(entry.msg, /does not exist/);
  });

  it('refuses what it does not support, with the reason (exit 2)', () => {
    const r = cli('--systemd-cgroup', 'list');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /manages cgroups through cgroupfs/);
    assert.equal(cli('checkpoint', 'x').status, 2);
    assert.match(cli('update', '--l3-cache-schema', 'L3:0=f', 'x').stderr, /Intel RDT\) is not supported/);
    assert.match(cli('frobnicate').stderr, /unknown command "frobnicate"/);
  });

  it('reports its features as runtime-spec JSON', () => {
    const f = JSON.parse(cli('features').stdout);
    assert.ok(f.linux.namespaces.includes('user'));
    assert.equal(f.linux.seccomp.enabled, true);
    assert.ok(f.hooks.includes('createContainer'));
  });
});
