// Rootless networking for real, through each user-mode tool (pasta, the default, and slirp4netns):
// rootless berthd runs as the unprivileged `berth-rootless` user (see rootless.test.ts for how),
// a server in a container answers on a published port of the host's 127.0.0.1, the host's own
// loopback servers stay out of the container's reach, and what survives a berthd restart.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, get, type Server } from 'node:http';
import { networkInterfaces } from 'node:os';
import { freePort } from '../../helpers/registry';
import { rootlessBlocked, RootlessSession, rootlessWork, type RootlessWork } from '../../helpers/rootless';
import { skipIfBlocked } from '../../helpers/skip';

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
  if (!existsSync('/usr/bin/pasta') || !existsSync('/usr/bin/slirp4netns'))
    return 'needs pasta and slirp4netns (apt-get install passt slirp4netns)';
  return rootlessBlocked();
}

describe('rootless networking (as an unprivileged user)', function () {
  this.timeout(120_000);
  let w: RootlessWork;
  let image: string;

  before(async function () {
    skipIfBlocked(this, blocked());
    w = await rootlessWork('berth-rootless-net', 'rootless-net');
    image = w.image;
  });

  after(async () => {
    await w?.remove();
  });

  for (const tool of ['pasta', 'slirp4netns'] as const) {
    describe(`through ${tool}`, () => {
      let u: RootlessSession;
      const docker = (...args: string[]) => u.docker(...args);
      const startBerthd = () => u.startBerthd('--rootless-network', tool);
      const stopBerthd = () => u.stopBerthd();

      before(async () => {
        u = new RootlessSession(w, tool);
        await startBerthd();
        assert.equal((await docker('pull', '-q', image)).status, 0);
      });

      after(async () => {
        await docker('rm', '-f', `rl-${tool}-web`);
        await u.end();
      });

      it(`is the tool berthd chose, publishes a port on 127.0.0.1 and reaches out`, async () => {
        assert.match(u.log, new RegExp(`rootless containers are connected by ${tool}`));
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
            // Not wget -T: Debian's busybox-static wget crashes on it (SIGSEGV), which would pass vacuously.
            `for a in 127.0.0.1 10.0.2.2; do timeout 3 wget -qO- http://$a:${port}/ || echo "no $a"; done`,
          );
          assert.equal(out.status, 0, out.stderr);
          assert.doesNotMatch(out.stdout, /host-loopback-secret/);
          assert.match(out.stdout, /no 127\.0\.0\.1\nno 10\.0\.2\.2/);
        } finally {
          server.close();
        }
      });

      it('connects containers on a user-defined network by name, publishes a port of one, and keeps both across a berthd crash', async () => {
        const net = `rl-${tool}-names`;
        const web = `rl-${tool}-named-web`;
        assert.equal((await docker('network', 'create', net)).status, 0);
        try {
          const port = await freePort();
          const run = await docker(
            'run',
            '-d',
            '--name',
            web,
            '--network',
            net,
            '-p',
            `127.0.0.1:${port}:80`,
            image,
            'sh',
            '-c',
            'echo by-name > /tmp/index.html; exec httpd -f -p 80 -h /tmp',
          );
          assert.equal(run.status, 0, run.stderr);
          assert.equal(await httpGetWithin(`http://127.0.0.1:${port}/index.html`, 20_000), 'by-name\n');
          // Another container finds it by name (the embedded DNS server) and reaches it (one bridge).
          const probe = (): Promise<{ status: number; stdout: string; stderr: string }> =>
            docker('run', '--rm', '--network', net, image, 'wget', '-qO-', `http://${web}/index.html`);
          const byName = await probe();
          assert.equal(byName.stdout, 'by-name\n', byName.stderr);
          // berthd killed and started again: the namespace, its link and the container's place in it stay.
          await u.stopBerthd('SIGKILL');
          await startBerthd();
          assert.equal(await httpGetWithin(`http://127.0.0.1:${port}/index.html`, 20_000), 'by-name\n');
          assert.equal((await probe()).stdout, 'by-name\n');
        } finally {
          await docker('rm', '-f', web);
          await docker('network', 'rm', net);
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
