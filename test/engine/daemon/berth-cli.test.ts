// `bin/berth` as a client of berthd, driven as a user drives it: what it prints, its exit codes, and
// what a probe inside the container sees.
import * as assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { berthdForSuite, daemonTestsBlocked, type RunResult, type TestDaemon } from '../../helpers/berthd';
import { haveRegistry, startRegistry } from '../../helpers/registry';
import { skipBecause } from '../../helpers/skip';

const berthBin = join(__dirname, '../../../../bin/berth');

describe('berth CLI on berthd', function () {
  this.timeout(120_000);
  let d: TestDaemon;
  berthdForSuite(daemonTestsBlocked, (daemon) => (d = daemon));

  function berth(
    args: string[],
    options: { input?: string; env?: NodeJS.ProcessEnv } = {},
  ): Promise<RunResult> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [berthBin, ...args], {
        env: { ...process.env, DOCKER_HOST: d.host, ...options.env },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
      child.stdin.end(options.input ?? '');
    });
  }

  it('run: output, exit code, --rm, stdin with -i, env, workdir and user', async () => {
    const r = await berth([
      'run',
      '--rm',
      '-e',
      'GREETING=hi',
      '-w',
      '/tmp',
      '-u',
      '1000:1000',
      '--network',
      'none',
      'busybox',
      'sh',
      '-c',
      'echo "$GREETING $(pwd) $(id -u):$(id -g)"; echo oops >&2; exit 3',
    ]);
    assert.equal(r.status, 3, r.stderr);
    assert.equal(r.stdout, 'hi /tmp 1000:1000\n');
    assert.equal(r.stderr, 'oops\n');
    const piped = await berth(['run', '--rm', '-i', '--network', 'none', 'busybox', 'tr', 'a-z', 'A-Z'], {
      input: 'shout\n',
    });
    assert.equal(piped.status, 0, piped.stderr);
    assert.equal(piped.stdout, 'SHOUT\n');
    const left = await berth(['ps', '-aq']);
    assert.equal(left.stdout, '', '--rm left no container');
  });

  it('run -d, ps, logs, exec, stop, start, restart, kill, rm', async () => {
    const run = await berth([
      'run',
      '-d',
      '--name',
      'cli-web',
      '--label',
      'role=web',
      '--network',
      'none',
      'busybox',
      'sh',
      '-c',
      'trap "exit 7" TERM; echo started; while true; do sleep 0.1; done',
    ]);
    assert.equal(run.status, 0, run.stderr);
    const id = run.stdout.trim();
    assert.match(id, /^[0-9a-f]{64}$/);

    const table = await berth(['ps']);
    const [header, row] = table.stdout.split('\n');
    assert.match(header, /^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/);
    assert.ok(row.startsWith(id.slice(0, 12)), row);
    // docker's truncation: 19 characters and an ellipsis, then quoted.
    assert.match(row, /busybox\s+"sh -c 'trap \\"exit 7…"\s+.*\s+Up .*\s+cli-web$/);
    assert.equal(
      (await berth(['ps', '--filter', 'label=role=web', '--format', '{{.Names}} {{.State}}'])).stdout,
      'cli-web running\n',
    );
    assert.equal((await berth(['ps', '--filter', 'label=role=db', '-q'])).stdout, '');

    const probe = await berth([
      'exec',
      '-e',
      'X=from-exec',
      '-w',
      '/etc',
      'cli-web',
      'sh',
      '-c',
      'echo $X $(pwd); exit 4',
    ]);
    assert.equal(probe.status, 4);
    assert.equal(probe.stdout, 'from-exec /etc\n');
    const stdin = await berth(['exec', '-i', 'cli-web', 'cat'], { input: 'through exec\n' });
    assert.equal(stdin.stdout, 'through exec\n');

    assert.equal((await berth(['logs', 'cli-web'])).stdout, 'started\n');
    assert.match((await berth(['logs', '-t', 'cli-web'])).stdout, /^\d{4}-\d\d-\d\dT[\d:.]+Z started\n$/);

    assert.equal((await berth(['stop', '-t', '5', 'cli-web'])).stdout, 'cli-web\n');
    const inspect = JSON.parse((await berth(['inspect', '--type', 'container', 'cli-web'])).stdout) as {
      State: { Status: string; ExitCode: number };
    }[];
    assert.deepEqual([inspect[0].State.Status, inspect[0].State.ExitCode], ['exited', 7]);
    assert.equal((await berth(['start', 'cli-web'])).status, 0);
    assert.equal((await berth(['restart', '-t', '5', 'cli-web'])).status, 0);
    assert.equal((await berth(['logs', '--tail', '1', 'cli-web'])).stdout, 'started\n');
    assert.equal((await berth(['kill', '-s', 'KILL', 'cli-web'])).status, 0);
    assert.equal((await berth(['wait', 'cli-web'])).stdout, '137\n');
    assert.equal((await berth(['rm', 'cli-web'])).stdout, 'cli-web\n');
    const gone = await berth(['rm', 'cli-web']);
    assert.equal(gone.status, 1);
    assert.match(gone.stderr, /No such container: cli-web/);
  });

  it('run -t gives the process a terminal (through script(1))', async function () {
    if (spawnSync('script', ['--version']).status !== 0)
      skipBecause(this, 'needs script(1) (apt util-linux)');
    const r = spawnSync(
      'script',
      [
        '-qec',
        `${process.execPath} ${berthBin} run --rm -t --network none busybox sh -c 'tty; stty size'`,
        '/dev/null',
      ],
      {
        env: { ...process.env, DOCKER_HOST: d.host, COLUMNS: '100', LINES: '30' },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\/dev\/(pts\/\d+|console)/);
  });

  it('image verbs go through the daemon: tag, images, push, rmi, pull', async () => {
    const name = `${d.registry!.address}/cli/tagged:1`;
    assert.equal((await berth(['tag', 'busybox', name])).status, 0);
    // The daemon's store has it (the CLI's own default state dir is not involved).
    assert.match(
      (await d.docker(['images', '--format', '{{.Repository}}:{{.Tag}}'])).stdout,
      /cli\/tagged:1/,
    );
    assert.match((await berth(['images', '--format', '{{.Repository}}:{{.Tag}}'])).stdout, /cli\/tagged:1/);
    const pushed = await berth(['push', name]);
    assert.equal(pushed.status, 0, pushed.stderr);
    assert.match(pushed.stdout, /digest: sha256:[0-9a-f]{64}/);
    const removed = await berth(['rmi', name]);
    assert.equal(removed.status, 0, removed.stderr);
    assert.match(removed.stdout, /^Untagged: .*cli\/tagged:1$/m);
    assert.doesNotMatch((await d.docker(['images'])).stdout, /cli\/tagged/);
    const pulled = await berth(['pull', name]);
    assert.equal(pulled.status, 0, pulled.stderr);
    assert.match(pulled.stdout, new RegExp(`${name.replace(/[.]/g, '\\.')}\\n$`));
    assert.match((await d.docker(['images'])).stdout, /cli\/tagged/);
    // run pulls what the daemon lacks, as docker run does.
    assert.equal((await berth(['rmi', name])).status, 0);
    const ran = await berth(['run', '--rm', '--network', 'none', name, 'echo', 'pulled']);
    assert.equal(ran.status, 0, ran.stderr);
    assert.match(ran.stderr, /^Unable to find image '.*cli\/tagged:1' locally$/m);
    assert.equal(ran.stdout, 'pulled\n');
    const missing = await berth(['rmi', 'nothere:1']);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /Error response from daemon: No such image: nothere:1/);
  });

  it('port and stats --no-stream', async () => {
    const run = await berth([
      'run',
      '-d',
      '--name',
      'cli-ports',
      '-p',
      '127.0.0.1::8080',
      '-m',
      '64m',
      'busybox',
      'sleep',
      '60',
    ]);
    assert.equal(run.status, 0, run.stderr);
    const ports = await berth(['port', 'cli-ports']);
    assert.match(ports.stdout, /^8080\/tcp -> 127\.0\.0\.1:\d+\n$/);
    assert.match((await berth(['port', 'cli-ports', '8080'])).stdout, /^127\.0\.0\.1:\d+\n$/);
    const none = await berth(['port', 'cli-ports', '9090']);
    assert.equal(none.status, 1);
    assert.match(none.stderr, /No public port '9090\/tcp' published for cli-ports/);
    const stats = await berth(['stats', '--no-stream', 'cli-ports']);
    assert.equal(stats.status, 0, stats.stderr);
    const [header, row] = stats.stdout.split('\n');
    assert.match(
      header,
      /^CONTAINER ID\s+NAME\s+CPU %\s+MEM USAGE \/ LIMIT\s+MEM %\s+NET I\/O\s+BLOCK I\/O\s+PIDS$/,
    );
    // The 64 MiB limit as the container's cgroup enforces it, and sleep as its one process.
    assert.match(row, /cli-ports\s+\d+\.\d\d%\s+[\d.]+\s?[KMG]?i?B \/ 64MiB\s+[\d.]+%.*\s1$/);
    const id = (await berth(['inspect', '-f', '{{.Id}}', 'cli-ports'])).stdout.trim();
    assert.match(row, new RegExp(`^${id.slice(0, 12)}\\s`), 'the id cut to 12 by default');
    const full = await berth([
      'stats',
      '--no-stream',
      '--no-trunc',
      '--format',
      '{{.ID}} {{.Name}}',
      'cli-ports',
    ]);
    assert.equal(full.stdout, `${id} cli-ports\n`, full.stderr);
    const fullTable = await berth(['stats', '--no-stream', '--no-trunc', 'cli-ports']);
    assert.match(fullTable.stdout.split('\n')[1], new RegExp(`^${id}\\s+cli-ports\\s`));
    await berth(['rm', '-f', 'cli-ports']);
  });

  it('build goes through the daemon: .dockerignore, -f, --target, --build-arg, --label, --iidfile', async () => {
    const context = mkdtempSync(join(tmpdir(), 'berth-cli-build-'));
    try {
      mkdirSync(join(context, 'src'));
      writeFileSync(join(context, 'src', 'app.txt'), 'app\n');
      writeFileSync(join(context, 'secret.txt'), 'never sent\n');
      writeFileSync(join(context, '.dockerignore'), 'secret.txt\n');
      writeFileSync(
        join(context, 'Build.file'),
        [
          'FROM busybox AS base',
          'ARG GREETING=none',
          'COPY . /ctx/',
          'RUN echo "$GREETING" > /greeting && ls /ctx > /listing',
          'FROM base AS final',
          'RUN echo final > /stage',
          'FROM busybox AS other',
          'RUN exit 9',
          '',
        ].join('\n'),
      );
      const iidfile = join(context, 'iid');
      const built = await berth([
        'build',
        '-f',
        join(context, 'Build.file'),
        '--target',
        'final',
        '--build-arg',
        'GREETING=hello from the build',
        '--label',
        'built.by=berth-cli',
        '--network',
        'none',
        '--iidfile',
        iidfile,
        '-t',
        'cli-built:1',
        context,
      ]);
      assert.equal(built.status, 0, built.stderr);
      // docker's classic builder output: the context upload, then the steps.
      assert.match(built.stdout, /^Sending build context to the engine {2}[\d.]+k?B$/m);
      assert.match(built.stdout, /^Step 1\/6 : FROM busybox AS base$/m);
      assert.match(built.stdout, /^Successfully tagged cli-built:1$/m);
      assert.doesNotMatch(built.stdout, /RUN exit 9/, 'the stage after the target is not built');
      const id = readFileSync(iidfile, 'utf8');
      assert.match(id, /^sha256:[0-9a-f]{64}$/);
      // The daemon's store has it, labelled.
      const inspect = await d.docker([
        'image',
        'inspect',
        '--format',
        '{{.Id}} {{index .Config.Labels "built.by"}}',
        'cli-built:1',
      ]);
      assert.equal(inspect.stdout, `${id} berth-cli\n`);
      const probe = await berth([
        'run',
        '--rm',
        '--network',
        'none',
        'cli-built:1',
        'sh',
        '-c',
        'cat /greeting /stage; cat /listing',
      ]);
      assert.equal(probe.status, 0, probe.stderr);
      assert.equal(
        probe.stdout,
        'hello from the build\nfinal\nBuild.file\nsrc\n',
        '.dockerignore kept secret.txt out',
      );

      const history = await berth([
        'image',
        'history',
        '--no-trunc',
        '--format',
        '{{.CreatedBy}}',
        'cli-built:1',
      ]);
      assert.equal(history.status, 0, history.stderr);
      assert.match(history.stdout.split('\n')[0], /echo final > \/stage/, 'newest layer first');
      const table = await berth(['history', 'cli-built:1']);
      assert.match(table.stdout, /^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT$/m);
      assert.match(table.stdout, new RegExp(`^${id.slice(7, 19)}\\s`, 'm'));

      // A Dockerfile on stdin with -f -, and a failing step: its report on stderr, exit 1.
      const failed = await berth(['build', '-f', '-', '--network', 'none', context], {
        input: 'FROM busybox\nRUN echo about to fail; exit 3\n',
      });
      assert.equal(failed.status, 1);
      assert.match(failed.stdout, /about to fail/);
      assert.match(failed.stderr, /did not complete successfully: exit code: 3/);
      const quiet = await berth(['build', '-q', '-f', '-', context], { input: 'FROM busybox\nLABEL q=1\n' });
      assert.equal(quiet.status, 0, quiet.stderr);
      assert.match(quiet.stdout, /^sha256:[0-9a-f]{64}\n$/);
    } finally {
      rmSync(context, { recursive: true, force: true });
    }
  });

  it('save, rmi, load through the daemon: the same image comes back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-cli-save-'));
    try {
      assert.equal((await berth(['tag', 'busybox', 'cli-saved:1'])).status, 0);
      const before = (await berth(['image', 'inspect', '--format', '{{.Id}}', 'cli-saved:1'])).stdout;
      assert.match(before, /^sha256:[0-9a-f]{64}\n$/);
      const archive = join(dir, 'saved.tar');
      const saved = await berth(['save', '-o', archive, 'cli-saved:1']);
      assert.equal(saved.status, 0, saved.stderr);
      // A docker-archive: GNU tar lists its manifest.
      assert.match(execFileSync('tar', ['-tf', archive], { encoding: 'utf8' }), /^manifest\.json$/m);
      assert.equal((await berth(['rmi', 'cli-saved:1'])).status, 0);
      assert.doesNotMatch((await d.docker(['images'])).stdout, /cli-saved/);
      const loaded = await berth(['load', '-i', archive]);
      assert.equal(loaded.status, 0, loaded.stderr);
      assert.match(loaded.stdout, /^Loaded image: cli-saved:1$/m);
      assert.equal((await berth(['image', 'inspect', '--format', '{{.Id}}', 'cli-saved:1'])).stdout, before);
      const missing = await berth(['save', '-o', join(dir, 'none.tar'), 'nothere:1']);
      assert.equal(missing.status, 1);
      assert.match(missing.stderr, /nothere:1/);
      assert.equal(existsSync(join(dir, 'none.tar')), false, 'no half archive left');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('login checks the credentials through the daemon and keeps them in config.json', async function () {
    if (!haveRegistry()) skipBecause(this, 'needs docker-registry (apt, see .ci/setup)');
    if (spawnSync('htpasswd', ['-h']).error) skipBecause(this, 'needs htpasswd (apt apache2-utils)');
    const registry = await startRegistry({ basicAuth: { username: 'cli-user', password: 'cli-pass' } });
    const config = mkdtempSync(join(tmpdir(), 'berth-cli-docker-config-'));
    const env = { DOCKER_CONFIG: config };
    try {
      const wrong = await berth(['login', '-u', 'cli-user', '--password-stdin', registry.address], {
        input: 'nope\n',
        env,
      });
      assert.equal(wrong.status, 1);
      assert.match(
        wrong.stderr,
        /Error response from daemon: login to 127\.0\.0\.1:\d+ failed: the registry refused the credentials/,
      );
      assert.equal(existsSync(join(config, 'config.json')), false, 'nothing stored on failure');
      const ok = await berth(['login', '-u', 'cli-user', '--password-stdin', registry.address], {
        input: 'cli-pass\n',
        env,
      });
      assert.equal(ok.status, 0, ok.stderr);
      assert.equal(ok.stdout, 'Login Succeeded\n');
      const stored = JSON.parse(readFileSync(join(config, 'config.json'), 'utf8')) as {
        auths: Record<string, { auth: string }>;
      };
      assert.equal(
        Buffer.from(stored.auths[registry.address].auth, 'base64').toString(),
        'cli-user:cli-pass',
      );
      // The stored credentials go with a push through the daemon.
      const name = `${registry.address}/cli/private:1`;
      assert.equal((await berth(['tag', 'busybox', name])).status, 0);
      const pushed = await berth(['push', name], { env });
      assert.equal(pushed.status, 0, pushed.stderr);
      await berth(['rmi', name]);
    } finally {
      await registry.stop();
      rmSync(config, { recursive: true, force: true });
    }
  });

  it('stats streams samples until the container stops; events replays what happened', async () => {
    const since = (Date.now() / 1000).toFixed(3);
    const run = await berth([
      'run',
      '-d',
      '--name',
      'cli-live',
      '--network',
      'none',
      'busybox',
      'sleep',
      '300',
    ]);
    assert.equal(run.status, 0, run.stderr);
    const child = spawn(
      process.execPath,
      [berthBin, 'stats', '--format', '{{.Name}} pids={{.PIDs}}', 'cli-live'],
      {
        env: { ...process.env, DOCKER_HOST: d.host },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    // Two samples, a second apart: the view is live.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no second sample in 30 s: ${stdout}${stderr}`)),
        30_000,
      );
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
        if (stdout.split('\n').filter((l) => l === 'cli-live pids=1').length >= 2) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    // Stopping the container ends its stream, and with it `berth stats`.
    assert.equal((await berth(['stop', '-t', '1', 'cli-live'])).status, 0);
    assert.equal(await exited, 0, stderr);
    const missing = await berth(['stats', 'nothere']);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /No such container: nothere/);

    const until = (Date.now() / 1000 + 1).toFixed(3);
    const events = await berth([
      'events',
      '--since',
      since,
      '--until',
      until,
      '--filter',
      'container=cli-live',
      '--filter',
      'type=container',
      '--format',
      '{{.Action}} {{.Actor.Attributes.name}}',
    ]);
    assert.equal(events.status, 0, events.stderr);
    const actions = events.stdout.trim().split('\n');
    assert.deepEqual(
      actions.filter((a) => /^(create|start|die|stop) /.test(a)),
      ['create cli-live', 'start cli-live', 'die cli-live', 'stop cli-live'],
    );
    const plain = await berth(['events', '--since', since, '--until', until, '-f', 'event=start']);
    assert.match(
      plain.stdout,
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z container start [0-9a-f]{64} \(.*name=cli-live.*\)$/m,
    );
    await berth(['rm', 'cli-live']);
  });

  it('version, info and a clear error when no daemon answers', async () => {
    const v = await berth(['version', '--format', '{{.Server.ApiVersion}}']);
    assert.equal(v.status, 0, v.stderr);
    assert.match(v.stdout, /^1\.\d+\n$/);
    assert.match((await berth(['info'])).stdout, /^ Containers: \d+$/m);
    const none = await berth(['ps'], { env: { DOCKER_HOST: `unix://${join(d.dir, 'nothing.sock')}` } });
    assert.equal(none.status, 1);
    assert.match(
      none.stderr,
      /Cannot connect to the engine at unix:\/\/.*nothing\.sock: is berthd running\?/,
    );
  });
});
