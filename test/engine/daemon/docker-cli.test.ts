// The real docker CLI against berthd: everyday commands, as a user runs them.
import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { berthdForSuite, daemonTestsBlocked, dockerBin, type TestDaemon } from '../../helpers/berthd';
import { startRegistry } from '../../helpers/registry';
import { skipBecause } from '../../helpers/skip';

describe('docker CLI against berthd', function () {
  let d: TestDaemon;

  berthdForSuite(daemonTestsBlocked, (started) => (d = started));

  async function ok(args: string[], input?: string): Promise<string> {
    const r = await d.docker(args, { input });
    assert.equal(r.status, 0, `docker ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
    return r.stdout;
  }

  it('version: negotiates API 1.45 and names the engine', async () => {
    assert.equal((await ok(['version', '--format', '{{.Server.APIVersion}}'])).trim(), '1.45');
    const info = JSON.parse(await ok(['info', '--format', '{{json .}}']));
    assert.equal(info.OSType, 'linux');
    assert.equal(info.Driver, 'overlay2');
  });

  it('runs with one malloc arena and a small young generation: bin/berthd re-executed itself in place', () => {
    // The pid is the one the test spawned: execve replaced that process, no second one exists.
    const environ = readFileSync(`/proc/${d.pid}/environ`, 'utf8').split('\0');
    const cmdline = readFileSync(`/proc/${d.pid}/cmdline`, 'utf8').split('\0');
    if (process.env.MALLOC_ARENA_MAX === undefined) {
      assert.ok(environ.includes('MALLOC_ARENA_MAX=1'), 'the daemon runs with MALLOC_ARENA_MAX=1');
    }
    assert.ok(cmdline.includes('--max-semi-space-size=1'), cmdline.join(' '));
    assert.match(d.log(), /berthd is ready/, 'its stderr is the one the launcher was given');
  });

  it('images lists what was pulled from the local registry', async () => {
    const lines = (await ok(['images', '--format', '{{.Repository}}:{{.Tag}}'])).trim().split('\n');
    assert.ok(lines.includes('busybox:latest'), lines.join(', '));
    assert.ok(lines.includes(`${d.registry!.address}/library/busybox:latest`));
  });

  it('run --rm prints the output and exits with the command status', async () => {
    assert.equal(
      (await ok(['run', '--rm', '--network', 'none', 'busybox', 'echo', 'hello from berth'])).trim(),
      'hello from berth',
    );
    const r = await d.docker([
      'run',
      '--rm',
      '--network',
      'none',
      'busybox',
      'sh',
      '-c',
      'echo err >&2; exit 3',
    ]);
    assert.equal(r.status, 3);
    assert.match(r.stderr, /err/);
    assert.equal((await ok(['ps', '-aq'])).trim(), '', 'the --rm containers are gone');
  });

  it('run with stdin piped in (-i)', async () => {
    assert.equal(
      (await ok(['run', '--rm', '-i', '--network', 'none', 'busybox', 'tr', 'a-z', 'A-Z'], 'shout\n')).trim(),
      'SHOUT',
    );
  });

  it('run -d, ps, logs -f, exec, stop, rm', async () => {
    const id = (
      await ok([
        'run',
        '-d',
        '--name',
        'ticker',
        '--network',
        'none',
        'busybox',
        'sh',
        '-c',
        'trap "exit 0" TERM; i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.1; done',
      ])
    ).trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    assert.match(await ok(['ps', '--format', '{{.Names}} {{.Status}}']), /^ticker Up /m);
    // logs -f follows until the container stops.
    const follow = spawn(dockerBin, ['logs', '-f', 'ticker'], { env: d.env });
    let followed = '';
    follow.stdout.on('data', (c: Buffer) => (followed += c.toString()));
    const followEnded = new Promise((r) => follow.on('close', r));
    const deadline = Date.now() + 10_000;
    while (!followed.includes('tick 3') && Date.now() < deadline)
      await new Promise((r) => follow.stdout.once('data', r));
    assert.match(followed, /^tick 0\ntick 1\n/);
    assert.equal((await ok(['exec', 'ticker', 'sh', '-c', 'echo $((6*7))'])).trim(), '42');
    const failing = await d.docker(['exec', 'ticker', 'sh', '-c', 'exit 5']);
    assert.equal(failing.status, 5);
    await ok(['stop', 'ticker']);
    await followEnded;
    assert.equal(
      (await ok(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'ticker'])).trim(),
      'exited 0',
    );
    assert.match(await ok(['logs', '--tail', '1', 'ticker']), /^tick \d+\n$/);
    const rm = await d.docker(['rm', 'ticker']);
    assert.equal(rm.status, 0, rm.stderr);
    const gone = await d.docker(['inspect', 'ticker']);
    assert.notEqual(gone.status, 0);
    assert.match(gone.stderr, /No such object|No such container/);
  });

  it('run -it gives the process a terminal', async () => {
    // `script` gives the docker CLI a pty of its own, as a user's terminal would.
    const r = await new Promise<{ status: number; out: string }>((resolve) => {
      const p = spawn(
        'script',
        [
          '-qec',
          `${dockerBin} run --rm -it --network none busybox sh -c 'tty; echo TERM=$TERM; read line; echo got:$line'`,
          '/dev/null',
        ],
        {
          env: d.env,
          stdio: ['pipe', 'pipe', 'pipe'],
        },
      );
      let out = '';
      p.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        // Typed once the process is at its prompt: it goes through the container's terminal.
        if (/TERM=xterm/.test(out) && !p.stdin.writableEnded) p.stdin.end('typed\r');
      });
      p.on('close', (code) => resolve({ status: code ?? -1, out }));
    });
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /\/dev\/pts\/\d+/);
    assert.match(r.out, /TERM=xterm/);
    assert.match(r.out, /got:typed/);
  });

  it('tag and push to the registry, then pull under the new name', async () => {
    const target = `${d.registry!.address}/team/pushed:v1`;
    await ok(['tag', 'busybox', target]);
    const pushed = await ok(['push', target]);
    assert.match(pushed, /v1: digest: sha256:[0-9a-f]{64} size: \d+/);
    await ok(['rmi', target]);
    await ok(['pull', target]);
    assert.match(await ok(['images', '--format', '{{.Repository}}:{{.Tag}}']), /team\/pushed:v1/);
  });

  it('login (POST /auth) checks the credentials; push and pull of a private image carry them', async function () {
    if (spawnSync('htpasswd', ['-h']).error) skipBecause(this, 'needs htpasswd (apt apache2-utils)');
    const registry = await startRegistry({ basicAuth: { username: 'dock-user', password: 'dock-pass' } });
    try {
      const wrong = await d.docker(['login', '-u', 'dock-user', '--password-stdin', registry.address], {
        input: 'nope\n',
      });
      assert.notEqual(wrong.status, 0);
      assert.match(wrong.stderr, /Error response from daemon: .*refused the credentials/);
      const name = `${registry.address}/private/box:1`;
      await ok(['tag', 'busybox', name]);
      const anonymous = await d.docker(['push', name]);
      assert.notEqual(anonymous.status, 0, 'the registry wants credentials');
      const login = await d.docker(['login', '-u', 'dock-user', '--password-stdin', registry.address], {
        input: 'dock-pass\n',
      });
      assert.equal(login.status, 0, login.stderr);
      assert.match(login.stdout, /Login Succeeded/);
      // The CLI sends what it stored as X-Registry-Auth with each push and pull.
      await ok(['push', name]);
      await ok(['rmi', name]);
      await ok(['pull', name]);
      assert.equal(await ok(['run', '--rm', '--network', 'none', name, 'echo', 'private']), 'private\n');
      await ok(['rmi', name]);
      await ok(['logout', registry.address]);
    } finally {
      await registry.stop();
    }
  });

  it('inspect shows containers, images, volumes and networks', async () => {
    await ok([
      'create',
      '--name',
      'inspected',
      '-e',
      'A=1',
      '-l',
      'k=v',
      '--network',
      'none',
      'busybox',
      'true',
    ]);
    const c = JSON.parse(await ok(['inspect', 'inspected']))[0];
    assert.equal(c.Name, '/inspected');
    assert.ok(c.Config.Env.includes('A=1'));
    assert.equal(c.Config.Labels.k, 'v');
    const img = JSON.parse(await ok(['image', 'inspect', 'busybox']))[0];
    assert.deepEqual(img.Config.Cmd, ['sh']);
    await ok(['volume', 'create', 'vinspect']);
    assert.equal(JSON.parse(await ok(['inspect', '--type', 'volume', 'vinspect']))[0].Driver, 'local');
    assert.equal(JSON.parse(await ok(['network', 'inspect', 'none']))[0].Driver, 'null');
    await ok(['rm', 'inspected']);
    await ok(['volume', 'rm', 'vinspect']);
  });

  it('cp copies into and out of a container, and never out of its root', async () => {
    await ok(['run', '-d', '--name', 'cpbox', '--network', 'none', 'busybox', 'sleep', '100']);
    const file = join(d.dir, 'to-container.txt');
    writeFileSync(file, 'copied in\n');
    await ok(['cp', file, 'cpbox:/tmp/']);
    assert.equal(await ok(['exec', 'cpbox', 'cat', '/tmp/to-container.txt']), 'copied in\n');
    const outDir = join(d.dir, 'from-container');
    mkdirSync(outDir);
    await ok(['cp', 'cpbox:/etc/passwd', outDir]);
    assert.match(readFileSync(join(outDir, 'passwd'), 'utf8'), /^root:x:0:0/);
    // A link to / inside the container resolves inside the container, not on the host.
    await ok(['exec', 'cpbox', 'sh', '-c', 'echo container-secret > /secret; ln -s / /tmp/root-link']);
    await ok(['cp', 'cpbox:/tmp/root-link/secret', outDir]);
    assert.equal(readFileSync(join(outDir, 'secret'), 'utf8'), 'container-secret\n');
    await ok(['rm', '-f', 'cpbox']);
  });

  it('cp into a stopped container writes into its volumes, as a run then sees', async () => {
    await ok(['create', '--name', 'cpstopped', '-v', 'cpvol:/data', 'busybox', 'true']);
    const file = join(d.dir, 'into-volume.txt');
    writeFileSync(file, 'in the volume\n');
    await ok(['cp', file, 'cpstopped:/data/']);
    await ok(['rm', 'cpstopped']);
    assert.equal(
      await ok([
        'run',
        '--rm',
        '--network',
        'none',
        '-v',
        'cpvol:/data',
        'busybox',
        'cat',
        '/data/into-volume.txt',
      ]),
      'in the volume\n',
    );
    await ok(['volume', 'rm', 'cpvol']);
  });

  it('volume commands, with data kept across containers and image content copied up', async () => {
    await ok(['volume', 'create', '--label', 'purpose=test', 'keep']);
    await ok([
      'run',
      '--rm',
      '--network',
      'none',
      '-v',
      'keep:/data',
      'busybox',
      'sh',
      '-c',
      'echo saved > /data/file',
    ]);
    assert.equal(
      await ok(['run', '--rm', '--network', 'none', '-v', 'keep:/data', 'busybox', 'cat', '/data/file']),
      'saved\n',
    );
    // A new volume mounted over /etc starts with the image's /etc.
    assert.match(
      await ok(['run', '--rm', '--network', 'none', '-v', 'etccopy:/etc', 'busybox', 'cat', '/etc/passwd']),
      /^root:/,
    );
    assert.match(
      await ok(['volume', 'ls', '--filter', 'label=purpose=test', '--format', '{{.Name}}']),
      /^keep$/m,
    );
    const inUse = await d.docker([
      'run',
      '-d',
      '--network',
      'none',
      '-v',
      'keep:/data',
      'busybox',
      'sleep',
      '100',
    ]);
    const busy = await d.docker(['volume', 'rm', 'keep']);
    assert.notEqual(busy.status, 0);
    assert.match(busy.stderr, /volume is in use/);
    await ok(['rm', '-f', inUse.stdout.trim()]);
    await ok(['volume', 'rm', 'keep', 'etccopy']);
    await ok(['volume', 'create', 'dangling']);
    assert.match(await ok(['volume', 'prune', '-a', '-f']), /dangling/);
  });

  it('network commands: the built-in networks, create, inspect, connect, rm, prune', async () => {
    const names = (await ok(['network', 'ls', '--format', '{{.Name}}'])).trim().split('\n');
    for (const n of ['bridge', 'host', 'none']) assert.ok(names.includes(n), names.join(','));
    await ok(['network', 'create', 'appnet']);
    const net = JSON.parse(await ok(['network', 'inspect', 'appnet']))[0];
    assert.equal(net.Driver, 'bridge');
    assert.match(net.IPAM.Config[0].Subnet, /^\d+\.\d+\.\d+\.\d+\/\d+$/);
    const dup = await d.docker(['network', 'create', 'appnet']);
    assert.notEqual(dup.status, 0);
    assert.match(dup.stderr, /already exists/);
    await ok(['create', '--name', 'joiner', '--network', 'none', 'busybox', 'true']);
    await ok(['network', 'rm', 'appnet']);
    await ok(['network', 'create', 'unused']);
    assert.match(await ok(['network', 'prune', '-f']), /unused/);
    const builtin = await d.docker(['network', 'rm', 'host']);
    assert.notEqual(builtin.status, 0);
    assert.match(builtin.stderr, /pre-defined network/);
    await ok(['rm', 'joiner']);
  });

  it('host networking shares the host network namespace', async () => {
    // The namespace's identity, not its interface list: other suites create and remove
    // interfaces in the host namespace while this one runs.
    const hostNs = readlinkSync('/proc/self/ns/net');
    const inside = await ok(['run', '--rm', '--network', 'host', 'busybox', 'readlink', '/proc/self/ns/net']);
    assert.equal(inside.trim(), hostNs);
    const none = await ok(['run', '--rm', '--network', 'none', 'busybox', 'cat', '/proc/net/dev']);
    assert.ok(!/eth0|ens|enp/.test(none), none);
    // Loopback is up in a none container: a server inside gets what is sent to 127.0.0.1. The
    // client sends and the server prints (not the other way round): a busybox nc client whose stdin
    // is at its end may quit before the server's answer arrives, which printed nothing under load.
    const served = await ok([
      'run',
      '--rm',
      '--network',
      'none',
      'busybox',
      'sh',
      '-c',
      'nc -l -p 7000 > /received & until echo ok | nc 127.0.0.1 7000; do usleep 50000; done; wait; cat /received',
    ]);
    assert.equal(served.trim(), 'ok');
  });

  it('system df and prune', async () => {
    await ok(['create', '--network', 'none', 'busybox', 'true']);
    const df = await ok(['system', 'df']);
    assert.match(df, /^Images\s+\d+/m);
    assert.match(df, /^Containers\s+1/m);
    assert.match(await ok(['container', 'prune', '-f']), /Deleted Containers:/);
    assert.equal((await ok(['ps', '-aq'])).trim(), '');
    await ok(['tag', 'busybox', 'prunable:1']);
    await ok(['rmi', 'prunable:1']);
    const prune = await ok(['system', 'prune', '-f']);
    assert.match(prune, /Total reclaimed space/);
  });
});
