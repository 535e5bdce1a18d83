// Rootless networking for real, through each user-mode tool (pasta, the default, and slirp4netns):
// rootless berthd runs as the unprivileged `berth-rootless` user (see rootless.test.ts for how),
// a server in a container answers on a published port of the host's 127.0.0.1, the host's own
// loopback servers stay out of the container's reach, and what survives a berthd restart.
import * as assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, get, type Server } from 'node:http';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBusyboxLayout, skopeoPush } from '../../helpers/busybox-image';
import { dockerBin } from '../../helpers/berthd';
import { haveBusybox } from '../../helpers/busybox-rootfs';
import { freePort, haveRegistry, startRegistry, type TestRegistry } from '../../helpers/registry';

const repo = join(__dirname, '../../../..');
const user = process.env.BERTH_ROOTLESS_USER || 'berth-rootless';

interface Result {
  status: number;
  stdout: string;
  stderr: string;
}

function httpGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

/** GETs until it answers (the server in the container starts after `run -d` returns). */
async function httpGetWithin(url: string, ms: number): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await httpGet(url);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setImmediate(r));
    }
  }
}

function hostServer(address: string, body: string): Promise<{ server: Server; port: number }> {
  const server = createServer((_req, res) => res.end(body));
  return new Promise((resolve) =>
    server.listen(0, address, () => resolve({ server, port: (server.address() as { port: number }).port })),
  );
}

function blocked(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (to run Berth as the unprivileged test user)';
  if (spawnSync('id', ['-u', user]).status !== 0)
    return `needs the user ${user} with subordinate ids: run .ci/rootless-user as root`;
  if (!haveBusybox() || !haveRegistry()) return 'needs busybox-static, docker-registry and skopeo';
  if (!existsSync('/usr/bin/newuidmap')) return 'needs newuidmap and newgidmap (apt-get install uidmap)';
  if (!existsSync('/usr/bin/pasta') || !existsSync('/usr/bin/slirp4netns'))
    return 'needs pasta and slirp4netns (apt-get install passt slirp4netns)';
  if (
    !existsSync(join(repo, 'dist/engine/cli/berthd.js')) ||
    !existsSync(join(repo, 'out/native/berth-userns'))
  )
    return 'needs a build (npm run build)';
  return undefined;
}

describe('rootless networking (as an unprivileged user)', function () {
  this.timeout(120_000);
  let work: string;
  let stage: string;
  let registry: TestRegistry;
  let image: string;

  before(async function () {
    const why = blocked();
    if (why) {
      console.log(`skip: ${why}`);
      this.skip();
    }
    work = mkdtempSync(join(tmpdir(), 'berth-rootless-net-'));
    chmodSync(work, 0o755);
    stage = join(work, 'berth');
    for (const part of [
      'bin',
      'dist/engine',
      'out/native',
      'node_modules/koffi',
      'node_modules/@koromix',
      'package.json',
    ])
      cpSync(join(repo, part), join(stage, part), { recursive: true });
    execFileSync('chmod', ['-R', 'a+rX', stage]);
    registry = await startRegistry();
    image = `${registry.address}/library/busybox:rootless-net`;
    skopeoPush(makeBusyboxLayout(join(work, 'layout')), image);
  });

  after(async () => {
    await registry?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  for (const tool of ['pasta', 'slirp4netns'] as const) {
    describe(`through ${tool}`, () => {
      let home: string;
      let xdgRuntime: string;
      let daemon: ChildProcess | undefined;
      let log = '';

      function asUser(argv: string[]): Promise<Result> {
        return new Promise((resolve) => {
          const env = [`HOME=${home}`, `XDG_RUNTIME_DIR=${xdgRuntime}`, 'PATH=/usr/local/bin:/usr/bin:/bin'];
          const child = spawn('runuser', ['-u', user, '--', 'env', '-i', ...env, ...argv], { cwd: stage });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
          child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
          const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
          child.on('close', (code) => {
            clearTimeout(timer);
            resolve({ status: code ?? -1, stdout, stderr });
          });
        });
      }
      const docker = (...args: string[]): Promise<Result> =>
        asUser([dockerBin, '-H', `unix://${join(xdgRuntime, 'berth/berth.sock')}`, ...args]);

      async function startBerthd(): Promise<void> {
        log = '';
        const env = [`HOME=${home}`, `XDG_RUNTIME_DIR=${xdgRuntime}`, 'PATH=/usr/local/bin:/usr/bin:/bin'];
        const args = [process.execPath, join(stage, 'bin/berthd'), '--insecure-registry', registry.address];
        const d = spawn(
          'runuser',
          ['-u', user, '--', 'env', '-i', ...env, ...args, '--rootless-network', tool],
          {
            stdio: ['ignore', 'ignore', 'pipe'],
          },
        );
        daemon = d;
        d.stderr!.on('data', (c: Buffer) => (log += c.toString()));
        const deadline = Date.now() + 60_000;
        while (!log.includes('berthd is ready')) {
          if (d.exitCode !== null) throw new Error(`berthd exited (${d.exitCode}): ${log}`);
          if (Date.now() > deadline) throw new Error(`berthd was not ready in 60 s: ${log}`);
          await new Promise((r) => d.stderr!.once('data', r).once('close', r));
        }
      }

      async function stopBerthd(): Promise<void> {
        const d = daemon;
        if (!d || d.exitCode !== null) return;
        const exited = new Promise((r) => d.once('exit', r));
        d.kill('SIGTERM');
        await exited;
      }

      before(async () => {
        const ids = {
          uid: Number(spawnSync('id', ['-u', user]).stdout),
          gid: Number(spawnSync('id', ['-g', user]).stdout),
        };
        home = join(work, `home-${tool}`);
        xdgRuntime = join(work, `xdg-${tool}`);
        for (const dir of [home, xdgRuntime]) {
          mkdirSync(dir, { mode: 0o700 });
          chownSync(dir, ids.uid, ids.gid);
        }
        await startBerthd();
        assert.equal((await docker('pull', '-q', image)).status, 0);
      });

      after(async () => {
        await docker('rm', '-f', `rl-${tool}-web`);
        await stopBerthd();
      });

      it(`is the tool berthd chose, publishes a port on 127.0.0.1 and reaches out`, async () => {
        assert.match(log, new RegExp(`rootless containers are connected by ${tool}`));
        const port = await freePort();
        const name = `rl-${tool}-web`;
        const run = await docker(
          'run',
          '-d',
          '--name',
          name,
          '-p',
          `127.0.0.1:${port}:80`,
          image,
          'sh',
          '-c',
          'echo hello-rootless > /tmp/index.html; exec httpd -f -p 80 -h /tmp',
        );
        assert.equal(run.status, 0, run.stderr);
        assert.equal((await docker('port', name)).stdout.trim(), `80/tcp -> 127.0.0.1:${port}`);
        assert.equal(await httpGetWithin(`http://127.0.0.1:${port}/index.html`, 20_000), 'hello-rootless\n');
        // Only what was published: port 80 is not on the host's port 80 + anything else.
        assert.equal((await docker('rm', '-f', name)).status, 0);
        await assert.rejects(httpGet(`http://127.0.0.1:${port}/index.html`));
        // Out to the host's network (a non-loopback address) as the user's own sockets.
        const address = Object.values(networkInterfaces())
          .flat()
          .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
        if (!address) return console.log('(no non-loopback IPv4 address here: outbound check left out)');
        const { server, port: hostPort } = await hostServer(address, 'from-host');
        try {
          const out = await docker('run', '--rm', image, 'wget', '-qO-', `http://${address}:${hostPort}/`);
          assert.equal(out.stdout, 'from-host', out.stderr);
        } finally {
          server.close();
        }
      });

      it("keeps the host's 127.0.0.1 out of the container's reach (on its loopback and as the gateway)", async () => {
        const { server, port } = await hostServer('127.0.0.1', 'host-loopback-secret');
        try {
          const out = await docker(
            'run',
            '--rm',
            image,
            'sh',
            '-c',
            `for a in 127.0.0.1 10.0.2.2; do wget -T 3 -qO- http://$a:${port}/ || echo "no $a"; done`,
          );
          assert.equal(out.status, 0, out.stderr);
          assert.doesNotMatch(out.stdout, /host-loopback-secret/);
          assert.match(out.stdout, /no 127\.0\.0\.1\nno 10\.0\.2\.2/);
        } finally {
          server.close();
        }
      });

      it('keeps its user-defined networks across a berthd restart', async () => {
        const net = `rl-${tool}-net`;
        assert.equal((await docker('network', 'create', net)).status, 0);
        await stopBerthd();
        await startBerthd();
        const nets = await docker('network', 'ls', '--format', '{{.Name}}');
        assert.match(nets.stdout, new RegExp(`^${net}$`, 'm'));
        assert.equal((await docker('network', 'rm', net)).status, 0);
      });
    });
  }
});
