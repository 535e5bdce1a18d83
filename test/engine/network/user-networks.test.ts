// User-defined networks through the real docker CLI: containers resolve each other by name and
// alias through the embedded DNS server at 127.0.0.11, reach each other (ping, wget), cannot reach
// or resolve containers of another network, and connect/disconnect works on running containers.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { berthdForSuite, type TestDaemon } from '../../helpers/berthd';
import { linksOnBridge } from '../../helpers/network';
import { addressOf, networkTestsBlocked, ok, runHttpd } from './util';

describe('user-defined networks (docker CLI)', function () {
  let d: TestDaemon;
  const suffix = randomBytes(3).toString('hex');
  const front = `front-${suffix}`;
  const back = `back-${suffix}`;

  berthdForSuite(networkTestsBlocked, (started) => (d = started));
  before(async () => {
    await ok(d, ['network', 'create', front]);
    await ok(d, ['network', 'create', '--label', 'tier=back', back]);
    // Two web servers on `front` (httpd serves /etc: GET /hostname answers the container's hostname).
    for (const [name, alias] of [
      ['web1', 'www'],
      ['web2', 'api'],
    ]) {
      await runHttpd(d, name, ['--hostname', name, '--network', front, '--network-alias', alias]);
    }
    await ok(d, ['run', '-d', '--name', 'outsider', '--network', back, 'busybox', 'sleep', '600']);
  });

  it('resolves containers by name and alias through 127.0.0.11, and they ping and wget each other', async () => {
    const resolv = await ok(d, ['exec', 'web1', 'cat', '/etc/resolv.conf']);
    assert.match(resolv, /^nameserver 127\.0\.0\.11$/m);
    assert.doesNotMatch(resolv.replace(/^nameserver 127\.0\.0\.11$/m, ''), /^nameserver/m);
    const web2 = await addressOf(d, 'web2', front);
    const lookup = await ok(d, ['exec', 'web1', 'nslookup', 'web2']);
    assert.match(lookup, new RegExp(`Address: ${web2.replace(/\./g, '\\.')}`));
    const ping = await ok(d, ['exec', 'web1', 'ping', '-c', '1', '-W', '3', 'web2']);
    assert.match(ping, /1 packets received/);
    assert.equal((await ok(d, ['exec', 'web1', 'wget', '-qO-', 'http://web2/hostname'])).trim(), 'web2');
    assert.equal((await ok(d, ['exec', 'web2', 'wget', '-qO-', 'http://www/hostname'])).trim(), 'web1');
    assert.equal((await ok(d, ['exec', 'web1', 'wget', '-qO-', 'http://api/hostname'])).trim(), 'web2');
    // A new container on the network sees them too, by name.network as well.
    const out = await ok(d, [
      'run',
      '--rm',
      '--network',
      front,
      'busybox',
      'wget',
      '-qO-',
      `http://web1.${front}/hostname`,
    ]);
    assert.equal(out.trim(), 'web1');
  });

  it('answers reverse lookups of container addresses', async () => {
    const web2 = await addressOf(d, 'web2', front);
    const out = await ok(d, ['exec', 'web1', 'nslookup', web2]);
    assert.match(out, new RegExp(`web2\\.${front}`));
  });

  it('isolates networks: no route to, and no name for, containers of another network', async () => {
    const web1 = await addressOf(d, 'web1', front);
    // Not wget -T: Debian's busybox-static wget crashes on it (SIGSEGV), so the check passed vacuously.
    const wget = await d.docker([
      'exec',
      'outsider',
      'timeout',
      '2',
      'wget',
      '-qO-',
      `http://${web1}/hostname`,
    ]);
    assert.notEqual(wget.status, 0, 'a container on another network reached web1');
    const ping = await d.docker(['exec', 'outsider', 'ping', '-c', '1', '-W', '2', web1]);
    assert.notEqual(ping.status, 0);
    const lookup = await d.docker(['exec', 'outsider', 'nslookup', 'web1']);
    assert.notEqual(lookup.status, 0, lookup.stdout);
    assert.match(lookup.stdout + lookup.stderr, /NXDOMAIN|can't find/);
  });

  it('shows endpoints in network inspect and container inspect (Docker shapes)', async () => {
    const [net] = JSON.parse(await ok(d, ['network', 'inspect', front]));
    assert.equal(net.Driver, 'bridge');
    assert.equal(net.IPAM.Config.length, 1);
    assert.ok(
      net.IPAM.Config[0].Subnet.startsWith(d.net.pool.split('.').slice(0, 2).join('.')),
      net.IPAM.Config[0].Subnet,
    );
    const names = Object.values(net.Containers as Record<string, { Name: string; IPv4Address: string }>)
      .map((c) => c.Name)
      .sort();
    assert.deepEqual(names, ['web1', 'web2']);
    const [c] = JSON.parse(await ok(d, ['inspect', 'web1']));
    const ep = c.NetworkSettings.Networks[front];
    assert.match(ep.IPAddress, /^\d+\.\d+\.\d+\.\d+$/);
    assert.equal(ep.Gateway, net.IPAM.Config[0].Gateway);
    assert.match(ep.MacAddress, /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    assert.ok(ep.DNSNames.includes('web1') && ep.DNSNames.includes('www'), ep.DNSNames.join());
    const [b] = JSON.parse(await ok(d, ['network', 'inspect', back]));
    assert.deepEqual(b.Labels, { tier: 'back' });
  });

  it('connects and disconnects a running container', async () => {
    await ok(d, ['network', 'connect', '--alias', 'stranger', front, 'outsider']);
    assert.equal((await ok(d, ['exec', 'outsider', 'wget', '-qO-', 'http://web1/hostname'])).trim(), 'web1');
    assert.equal((await ok(d, ['exec', 'web1', 'nslookup', 'stranger'])).includes('Address'), true);
    const links = await ok(d, ['exec', 'outsider', 'ip', '-o', 'link']);
    assert.match(links, /eth1/);
    await ok(d, ['network', 'disconnect', front, 'outsider']);
    const after = await d.docker([
      'exec',
      'outsider',
      'timeout',
      '2',
      'wget',
      '-qO-',
      'http://web1/hostname',
    ]);
    assert.notEqual(after.status, 0);
    assert.doesNotMatch(await ok(d, ['exec', 'outsider', 'ip', '-o', 'link']), /eth1/);
  });

  it('refuses to remove a network in use, then removes it and its bridge', async () => {
    const [net] = JSON.parse(await ok(d, ['network', 'inspect', back]));
    const bridge = `berth-${(net.Id as string).slice(0, 9)}`;
    assert.equal(linksOnBridge(bridge).length, 1, 'outsider has one veth on the bridge');
    const busy = await d.docker(['network', 'rm', back]);
    assert.notEqual(busy.status, 0);
    assert.match(busy.stderr, /active endpoints/);
    await ok(d, ['rm', '-f', 'outsider']);
    await ok(d, ['network', 'rm', back]);
    assert.equal(existsSync(`/sys/class/net/${bridge}`), false, `bridge ${bridge} is left behind`);
    assert.equal((await d.docker(['network', 'inspect', back])).status, 1);
  });
});
