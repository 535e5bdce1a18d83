// The default bridge network and published ports through the real docker CLI: addresses from the
// configured subnet, a server of the test on the bridge's address reached from a container,
// busybox httpd published on 127.0.0.1 and on the host's own address, port ranges, -P, UDP,
// hairpin, `docker port`, a taken port refused before the container starts, and ports released
// when the container stops. All traffic stays on this machine.
import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { berthdForSuite, type TestDaemon } from '../../helpers/berthd';
import {
  freePort,
  hostAddress,
  httpGet,
  networkTestsBlocked,
  ok,
  portIsFree,
  runHttpd,
  udpAsk,
  waitFor,
  waitInContainer,
} from './util';
import { skipBecause } from '../../helpers/skip';

describe('default bridge and published ports (docker CLI)', function () {
  let d: TestDaemon;
  let scratch: string;

  berthdForSuite(networkTestsBlocked, (started) => (d = started));
  before(() => {
    scratch = mkdtempSync(join(tmpdir(), 'berth-net-test-'));
  });
  after(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('gives a container an address on the configured bridge, a default route and the host resolvers', async () => {
    const out = await ok(d, [
      'run',
      '--rm',
      'busybox',
      'sh',
      '-c',
      'ip -4 -o addr show eth0; ip route; cat /etc/resolv.conf; ip -o link show lo',
    ]);
    const prefix = d.net.subnet.split('.').slice(0, 3).join('.');
    assert.match(out, new RegExp(`inet ${prefix.replace(/\./g, '\\.')}\\.\\d+/24`));
    assert.match(out, new RegExp(`default via ${d.net.gateway.replace(/\./g, '\\.')}`));
    assert.doesNotMatch(
      out,
      /nameserver 127\.0\.0\.11/,
      'the default bridge has no embedded DNS (as Docker)',
    );
    assert.match(out, /lo: <LOOPBACK,UP/);
  });

  it('reaches a server the test runs on the host, bound to the bridge address', async () => {
    const server: Server = createServer((_req, res) => res.end('hello from the host'));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, d.net.gateway, resolve);
    });
    try {
      const port = (server.address() as { port: number }).port;
      const out = await ok(d, ['run', '--rm', 'busybox', 'wget', '-qO-', `http://${d.net.gateway}:${port}/`]);
      assert.equal(out, 'hello from the host');
    } finally {
      server.close();
    }
  });

  it('publishes busybox httpd on 127.0.0.1 and on the host address; docker port and ps show it', async () => {
    const local = await freePort();
    const any = await freePort('0.0.0.0');
    await runHttpd(d, 'site', ['--hostname', 'site', '-p', `127.0.0.1:${local}:80`, '-p', `${any}:80`]);
    assert.equal((await httpGet('127.0.0.1', local, '/hostname')).body.trim(), 'site');
    assert.equal((await httpGet('127.0.0.1', any, '/hostname')).body.trim(), 'site');
    const external = hostAddress([d.net.bridge]);
    if (external) assert.equal((await httpGet(external, any, '/hostname')).body.trim(), 'site');
    // 127.0.0.1 only: the host address does not answer on that port.
    if (external) await assert.rejects(httpGet(external, local, '/hostname'));
    const port = (await ok(d, ['port', 'site'])).trim().split('\n').sort();
    assert.deepEqual(port, [`80/tcp -> 0.0.0.0:${any}`, `80/tcp -> 127.0.0.1:${local}`].sort());
    assert.equal((await ok(d, ['port', 'site', '80/tcp'])).includes(`127.0.0.1:${local}`), true);
    const ps = await ok(d, ['ps', '--filter', 'name=site', '--format', '{{.Ports}}']);
    assert.match(ps, new RegExp(`127\\.0\\.0\\.1:${local}->80/tcp`));
    // Hairpin: the container reaches its own published port through the bridge address.
    assert.equal(
      (await ok(d, ['exec', 'site', 'wget', '-qO-', `http://${d.net.gateway}:${any}/hostname`])).trim(),
      'site',
    );
  });

  it('refuses a taken port clearly, before the container starts', async () => {
    const [, hostPort] = (await ok(d, ['port', 'site']))
      .trim()
      .split('\n')
      .map((l) => l.split(':').pop()!);
    const r = await d.docker(['run', '--rm', '--name', 'late', '-p', `${hostPort}:80`, 'busybox', 'true']);
    assert.equal(r.status, 125);
    assert.match(r.stderr, new RegExp(`${hostPort}.*already in use by container site`));
    assert.equal((await ok(d, ['ps', '-aq', '--filter', 'name=late'])).trim(), '', '--rm removed it');
    // A port another program holds.
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    try {
      const taken = (holder.address() as { port: number }).port;
      await ok(d, ['create', '--name', 'blocked', '-p', `127.0.0.1:${taken}:80`, 'busybox', 'httpd', '-f']);
      const s = await d.docker(['start', 'blocked']);
      assert.notEqual(s.status, 0);
      assert.match(s.stderr, new RegExp(`127\\.0\\.0\\.1:${taken}/tcp.*in use by another program`));
      const state = (await ok(d, ['inspect', '-f', '{{.State.Status}} {{.State.Pid}}', 'blocked'])).trim();
      assert.equal(state, 'created 0');
      await ok(d, ['rm', 'blocked']);
    } finally {
      holder.close();
    }
  });

  it('releases published ports when the container stops', async () => {
    const ports = (await ok(d, ['port', 'site']))
      .trim()
      .split('\n')
      .map((l) => Number(l.split(':').pop()));
    for (const p of ports) assert.equal(await portIsFree(p), false, `port ${p} is held while site runs`);
    await ok(d, ['stop', '-t', '1', 'site']);
    for (const p of ports) assert.equal(await portIsFree(p), true, `port ${p} is still held after stop`);
    assert.equal((await ok(d, ['port', 'site'])).trim(), '');
    await ok(d, ['rm', 'site']);
  });

  it('publishes port ranges and -P (EXPOSEd ports on free host ports)', async () => {
    const first = await freePort();
    let second = first + 1;
    if (!(await portIsFree(second))) second = first - 1;
    const [lo, hi] = [Math.min(first, second), Math.max(first, second)];
    await ok(d, [
      'run',
      '-d',
      '--name',
      'ranged',
      '-p',
      `127.0.0.1:${lo}-${hi}:80-81`,
      'busybox',
      'sh',
      '-c',
      'echo > /tmp/index.html; httpd -p 80 -h /etc; httpd -f -p 81 -h /tmp',
    ]);
    await waitInContainer(
      d,
      'ranged',
      'wget -qO- http://127.0.0.1:80/hostname && wget -qO- http://127.0.0.1:81/',
    );
    assert.equal((await httpGet('127.0.0.1', lo, '/hostname')).status, 200);
    assert.equal((await httpGet('127.0.0.1', hi, '/')).status, 200);
    await ok(d, ['rm', '-f', 'ranged']);

    await runHttpd(d, 'exposed', ['--expose', '80', '-P']);
    const line = (await ok(d, ['port', 'exposed', '80'])).trim().split('\n')[0];
    const published = Number(line.split(':').pop());
    assert.ok(published > 0, line);
    assert.equal((await httpGet('127.0.0.1', published, '/hostname')).status, 200);
    await ok(d, ['rm', '-f', 'exposed']);
  });

  it('publishes UDP ports', async function () {
    // busybox has no UDP server: the host's node runs one inside the container (its /usr mounted).
    if (!process.execPath.startsWith('/usr/') || !existsSync('/usr/lib64')) {
      skipBecause(this, `needs node under /usr (this one is ${process.execPath})`);
    }
    const script = join(scratch, 'udp-echo.js');
    writeFileSync(
      script,
      "const s = require('dgram').createSocket('udp4');\n" +
        "s.on('message', (m, r) => s.send('echo:' + m, r.port, r.address));\n" +
        "s.bind(5353, () => console.log('ready'));\n",
    );
    const port = await freePort();
    await ok(d, [
      'run',
      '-d',
      '--name',
      'udp',
      '-p',
      `127.0.0.1:${port}:5353/udp`,
      '-v',
      '/usr:/usr:ro',
      '-v',
      '/usr/lib64:/lib64:ro',
      '-v',
      '/usr/lib:/lib:ro',
      '-v',
      `${script}:/udp-echo.js:ro`,
      'busybox',
      process.execPath,
      '/udp-echo.js',
    ]);
    await waitFor('the UDP server in the container', async () =>
      (await ok(d, ['logs', 'udp'])).includes('ready') ? true : undefined,
    );
    assert.equal(await udpAsk('127.0.0.1', port, 'ping'), 'echo:ping');
    assert.equal((await ok(d, ['port', 'udp'])).trim(), `5353/udp -> 127.0.0.1:${port}`);
    await ok(d, ['rm', '-f', 'udp']);
  });
});
