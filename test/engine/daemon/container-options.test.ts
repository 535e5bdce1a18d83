// `docker run` options, checked by asking the container what it sees.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { type IncomingMessage, request } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { berthdForSuite, daemonTestsBlocked, dockerBin, type TestDaemon } from '../../helpers/berthd';

describe('container options (docker run flags)', function () {
  let d: TestDaemon;

  berthdForSuite(daemonTestsBlocked, (started) => (d = started));

  /** Output of a command run with `docker run --rm --network none [flags] busybox sh -c script`. */
  async function probe(flags: string[], script: string): Promise<string> {
    const r = await d.docker(['run', '--rm', '--network', 'none', ...flags, 'busybox', 'sh', '-c', script]);
    assert.equal(r.status, 0, `run ${flags.join(' ')} failed (${r.status}): ${r.stderr}`);
    return r.stdout;
  }

  it('env, --env-file, workdir, user, hostname, entrypoint and labels', async () => {
    const envFile = join(d.dir, 'env');
    writeFileSync(envFile, 'FROM_FILE=yes\n# comment\n');
    const out = await probe(
      ['-e', 'A=1', '--env-file', envFile, '-w', '/tmp', '-u', 'nobody', '-h', 'probe-host'],
      'echo $A $FROM_FILE; pwd; id -u; hostname; echo $HOME',
    );
    assert.equal(out, '1 yes\n/tmp\n65534\nprobe-host\n/\n');
    const r = await d.docker([
      'run',
      '--rm',
      '--network',
      'none',
      '--entrypoint',
      'echo',
      'busybox',
      'via',
      'entrypoint',
    ]);
    assert.equal(r.stdout, 'via entrypoint\n');
  });

  it("has Docker's default capabilities and seccomp, and honours --cap-add/--cap-drop/--privileged", async () => {
    const caps = (script: string, flags: string[] = []) => probe(flags, script);
    assert.match(await caps('grep CapBnd /proc/self/status'), /CapBnd:\s+00000000a80425fb/);
    assert.match(await caps('grep Seccomp: /proc/self/status'), /Seccomp:\s+2/);
    assert.match(await caps('grep NoNewPrivs /proc/self/status'), /NoNewPrivs:\s+0/);
    // NET_ADMIN added (bit 12), NET_RAW (bit 13) dropped.
    assert.match(
      await caps('grep CapBnd /proc/self/status', ['--cap-add', 'NET_ADMIN', '--cap-drop', 'NET_RAW']),
      /CapBnd:\s+00000000a80415fb/,
    );
    assert.match(
      await caps('grep NoNewPrivs /proc/self/status', ['--security-opt', 'no-new-privileges']),
      /NoNewPrivs:\s+1/,
    );
    const priv = await caps(
      'grep -E "CapBnd|Seccomp:" /proc/self/status; mount -t tmpfs t /tmp && echo mounted',
      ['--privileged'],
    );
    assert.match(priv, /Seccomp:\s+0/);
    assert.match(priv, /mounted/);
    const denied = await d.docker([
      'run',
      '--rm',
      '--network',
      'none',
      'busybox',
      'mount',
      '-t',
      'tmpfs',
      't',
      '/tmp',
    ]);
    assert.notEqual(denied.status, 0);
  });

  it('masks /proc paths and keeps /sys read-only', async () => {
    const out = await probe(
      [],
      'wc -c < /proc/timer_list; echo x > /proc/sysrq-trigger 2>&1 || echo ro; touch /sys/x 2>&1 || echo sysro',
    );
    assert.match(out, /^0\n/);
    assert.match(out, /ro\n/);
    assert.match(out, /sysro/);
  });

  it('--read-only, --tmpfs and --shm-size', async () => {
    const out = await probe(
      ['--read-only', '--tmpfs', '/run:size=2m', '--shm-size', '16m'],
      'touch /x 2>/dev/null || echo readonly; touch /run/ok && echo tmpfs-ok; df -k /dev/shm | tail -1',
    );
    assert.match(out, /readonly/);
    assert.match(out, /tmpfs-ok/);
    assert.match(out, /\s16384\s/);
  });

  it('memory, cpus and pids limits reach the cgroup', async () => {
    const out = await probe(
      ['--memory', '64m', '--cpus', '0.5', '--pids-limit', '40'],
      'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory.max 2>/dev/null; cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/pids.max 2>/dev/null; cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu.max 2>/dev/null; true',
    );
    assert.match(out, /^67108864$/m);
    assert.match(out, /^40$/m);
    assert.match(out, /^(50000|50000 100000)$/m);
  });

  it('--init runs the reaper as pid 1, which reaps orphans and passes the exit code', async () => {
    const out = await probe(
      ['--init'],
      'cat /proc/1/cmdline | tr "\\0" " "; echo; (sleep 0.1 &) ; sleep 0.3; ps -o stat,comm | grep -c Z || true',
    );
    assert.match(out, /^\/sbin\/docker-init -- sh -c/);
    assert.match(out, /\n0\n$/, 'no zombie left');
    const r = await d.docker(['run', '--rm', '--init', '--network', 'none', 'busybox', 'sh', '-c', 'exit 9']);
    assert.equal(r.status, 9);
  });

  it('--add-host and --dns go into the generated /etc files', async () => {
    const out = await probe(
      ['--add-host', 'db.internal:10.1.2.3', '--dns', '9.9.9.9', '--dns-search', 'example.test'],
      'cat /etc/hosts /etc/resolv.conf /etc/hostname',
    );
    assert.match(out, /^10\.1\.2\.3\s+db\.internal$/m);
    assert.match(out, /^nameserver 9\.9\.9\.9$/m);
    assert.match(out, /^search example\.test$/m);
    assert.match(out, /^127\.0\.0\.1\s+localhost$/m);
  });

  it("restarts on failure with Docker's doubling back-off and reports it", async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    const r = await d.docker([
      'run',
      '-d',
      '--name',
      'flaky',
      '--network',
      'none',
      '--restart',
      'on-failure:3',
      'busybox',
      'sh',
      '-c',
      'echo attempt; exit 1',
    ]);
    assert.equal(r.status, 0, r.stderr);
    const deadline = Date.now() + 20_000;
    let state = '';
    while (Date.now() < deadline) {
      state = (
        await d.docker(['inspect', '-f', '{{.RestartCount}} {{.State.Status}}', 'flaky'])
      ).stdout.trim();
      if (state === '3 exited') break;
    }
    assert.equal(state, '3 exited');
    assert.equal((await d.docker(['logs', 'flaky'])).stdout, 'attempt\n'.repeat(4));
    // Each restart waits at least 100 ms, then 200, then 400 (from one exit to the next start).
    const events = (
      await d.docker([
        'events',
        '--since',
        String(since),
        '--until',
        String(Math.ceil(Date.now() / 1000) + 1),
        '--filter',
        'container=flaky',
        '--format',
        '{{.Action}} {{.TimeNano}}',
      ])
    ).stdout
      .trim()
      .split('\n')
      .map((l) => l.split(' '))
      .filter(([action]) => action === 'start' || action === 'die');
    const starts = events.filter(([a]) => a === 'start').map(([, t]) => Number(t) / 1e6);
    const dies = events.filter(([a]) => a === 'die').map(([, t]) => Number(t) / 1e6);
    assert.equal(starts.length, 4, events.join(' | '));
    const waits = starts.slice(1).map((t, i) => t - dies[i]);
    [100, 200, 400].forEach((delay, i) =>
      assert.ok(
        waits[i] >= delay,
        `restart ${i + 1} came ${waits[i].toFixed(0)} ms after the exit (< ${delay})`,
      ),
    );
    await d.docker(['rm', 'flaky']);
  });

  it('streams stats every second while the container runs (docker stats)', async () => {
    await d.docker([
      'run',
      '-d',
      '--name',
      'hot',
      '--network',
      'none',
      'busybox',
      'sh',
      '-c',
      'while :; do :; done',
    ]);
    const stats = spawn(dockerBin, ['stats', '--format', '{{.Name}} {{.CPUPerc}} {{.MemUsage}}', 'hot'], {
      env: d.env,
    });
    let out = '';
    stats.stdout.on('data', (c: Buffer) => (out += c.toString()));
    // The CLI redraws its table with terminal escapes; each redraw holds the container's row.
    // eslint-disable-next-line no-control-regex
    const frames = (): string[] => out.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').match(/^hot [^\n]+$/gm) ?? [];
    try {
      const deadline = Date.now() + 30_000;
      while (frames().length < 6 && Date.now() < deadline)
        await Promise.race([
          new Promise((res) => stats.stdout.once('data', res)),
          new Promise((res) => setTimeout(res, deadline - Date.now())),
        ]);
    } finally {
      stats.kill('SIGKILL');
    }
    const seen = frames();
    assert.ok(seen.length >= 6, `frames keep coming: ${JSON.stringify(out.slice(0, 400))}`);
    // A busy loop uses CPU: the CLI computes it from each frame's cpu_stats and precpu_stats.
    const [, cpu, mem] = /^hot ([\d.]+)% (\S+) \//.exec(seen[seen.length - 1])!;
    assert.ok(Number(cpu) > 1, `CPU ${cpu}% in ${seen[seen.length - 1]}`);
    assert.match(mem, /^[\d.]+[KMG]iB$/, 'memory use is counted');
    await d.docker(['rm', '-f', 'hot']);
  });

  it('streams live events filtered by type, action and label', async () => {
    // The API the docker CLI uses for `docker events --filter …`: headers come once the stream is
    // open, so what follows is sure to be seen.
    const filters = JSON.stringify({ type: ['container'], event: ['start', 'die'], label: ['watch=yes'] });
    let seen: { Action: string; Actor: { Attributes: { name: string } } }[] = [];
    let gotNew: () => void = () => undefined;
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(
        { socketPath: d.socket, path: `/v1.41/events?filters=${encodeURIComponent(filters)}` },
        resolve,
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(res.statusCode, 200);
    let buffered = '';
    res.on('data', (c: Buffer) => {
      buffered += c.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      seen = [...seen, ...lines.filter(Boolean).map((l) => JSON.parse(l) as (typeof seen)[number])];
      gotNew();
    });
    try {
      await d.docker(['run', '--rm', '--network', 'none', '--name', 'unwatched', 'busybox', 'true']);
      await d.docker([
        'run',
        '--rm',
        '--network',
        'none',
        '--label',
        'watch=yes',
        '--name',
        'watched1',
        'busybox',
        'true',
      ]);
      const deadline = Date.now() + 20_000;
      while (!seen.some((e) => e.Action === 'die') && Date.now() < deadline)
        await Promise.race([
          new Promise<void>((r) => (gotNew = r)),
          new Promise((r) => setTimeout(r, deadline - Date.now())),
        ]);
    } finally {
      res.destroy();
    }
    assert.deepEqual(
      seen.map((e) => `${e.Actor.Attributes.name} ${e.Action}`),
      ['watched1 start', 'watched1 die'],
    );
  });

  it('runs health checks, reports the status and emits health_status events', async () => {
    const events = spawn(
      dockerBin,
      ['events', '--filter', 'event=health_status', '--format', '{{.Action}}'],
      { env: d.env },
    );
    let seen = '';
    events.stdout.on('data', (c: Buffer) => (seen += c.toString()));
    const r = await d.docker([
      'run',
      '-d',
      '--name',
      'checked',
      '--network',
      'none',
      '--health-cmd',
      'test -e /tmp/ready',
      '--health-interval',
      '200ms',
      '--health-retries',
      '1',
      'busybox',
      'sh',
      '-c',
      'sleep 0.5; touch /tmp/ready; sleep 100',
    ]);
    assert.equal(r.status, 0, r.stderr);
    const deadline = Date.now() + 20_000;
    while (!seen.includes('health_status: healthy') && Date.now() < deadline)
      await new Promise((res) => events.stdout.once('data', res));
    events.kill();
    assert.match(seen, /health_status: unhealthy\n(.|\n)*health_status: healthy/);
    assert.match(
      (await d.docker(['ps', '--format', '{{.Status}}', '--filter', 'name=checked'])).stdout,
      /\(healthy\)/,
    );
    await d.docker(['rm', '-f', 'checked']);
  });

  it('streams events with filters', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    await d.docker(['run', '--rm', '--network', 'none', '--name', 'evented', 'busybox', 'true']);
    const until = Math.ceil(Date.now() / 1000) + 1;
    const out = (
      await d.docker([
        'events',
        '--since',
        String(since),
        '--until',
        String(until),
        '--filter',
        'container=evented',
        '--format',
        '{{.Type}} {{.Action}}',
      ])
    ).stdout;
    assert.deepEqual(
      out
        .trim()
        .split('\n')
        .filter((l) => /create|start|die|destroy/.test(l)),
      ['container create', 'container start', 'container die', 'container destroy'],
    );
  });

  it('stats and top show a running container', async () => {
    await d.docker(['run', '-d', '--name', 'watched', '--network', 'none', 'busybox', 'sleep', '100']);
    const stats = await d.docker(['stats', '--no-stream', '--format', '{{.Name}} {{.PIDs}}', 'watched']);
    assert.match(stats.stdout, /^watched 1$/m);
    const top = await d.docker(['top', 'watched']);
    assert.match(top.stdout, /sleep 100/);
    await d.docker(['rm', '-f', 'watched']);
  });
});
