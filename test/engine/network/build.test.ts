// Build RUN steps and the network, through `docker build` (classic builder) against berthd: the
// default network is the default bridge (an address from its subnet, a server of the test on the
// bridge's address reachable, one namespace kept for the steps, nothing left once berthd stops); --network none gives only
// loopback, --network host the host's interfaces. All traffic stays on this machine.
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { berthdForSuite, type TestDaemon } from '../../helpers/berthd';
import { assertNoNetworkLeftovers, linksOnBridge } from '../../helpers/network';
import { networkTestsBlocked, ok } from './util';

describe('build RUN steps and the network (docker build)', function () {
  let d: TestDaemon;
  let server: Server;
  let port: number;

  berthdForSuite(networkTestsBlocked, (started) => (d = started));
  before(async () => {
    // The bridge exists once something used the default network; a container makes it.
    await ok(d, ['run', '--rm', 'busybox', 'true']);
    server = createServer((_req, res) => res.end('served to a build step'));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, d.net.gateway, resolve);
    });
    port = (server.address() as { port: number }).port;
  });
  after(() => {
    server?.close();
  });

  function context(name: string, dockerfile: string): string {
    const dir = join(d.dir, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'Dockerfile'), dockerfile);
    return dir;
  }

  async function fileOf(image: string, path: string): Promise<string> {
    return ok(d, ['run', '--rm', '--network', 'none', image, 'cat', path]);
  }

  it('runs RUN on the default bridge: an address from its subnet, the host reached through the gateway', async () => {
    const dir = context(
      'ctx-bridge',
      [
        'FROM busybox',
        'RUN ip -4 -o addr show eth0 > /addr',
        `RUN wget -qO /fetched http://${d.net.gateway}:${port}/`,
        '',
      ].join('\n'),
    );
    await ok(d, ['build', '-t', 'netbuild:bridge', dir]);
    const prefix = d.net.subnet.split('.').slice(0, 3).join('\\.');
    assert.match(await fileOf('netbuild:bridge', '/addr'), new RegExp(`inet ${prefix}\\.\\d+/24`));
    assert.equal(await fileOf('netbuild:bridge', '/fetched'), 'served to a build step');
    // The two steps ran one after the other in one namespace, kept for the next build's steps.
    assert.equal(linksOnBridge(d.net.bridge).length, 1);
    // Once berthd stops, the steps' endpoints are gone: no veth on the bridge, no namespace file, no lease.
    await d.stop();
    assertNoNetworkLeftovers(d);
    await d.restart();
  });

  it('honours --network none and --network host', async () => {
    const dir = context('ctx-modes', 'FROM busybox\nRUN ls /sys/class/net | sort > /links\n');
    await ok(d, ['build', '--network', 'none', '-t', 'netbuild:none', dir]);
    assert.equal(await fileOf('netbuild:none', '/links'), 'lo\n');
    await ok(d, ['build', '--no-cache', '--network', 'host', '-t', 'netbuild:host', dir]);
    const links = (await fileOf('netbuild:host', '/links')).trim().split('\n');
    assert.ok(
      links.includes(d.net.bridge),
      `the host's interfaces, with ${d.net.bridge}: ${links.join(' ')}`,
    );
  });
});
