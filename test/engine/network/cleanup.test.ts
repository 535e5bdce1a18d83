// Nothing is left behind: after rm, and after berthd is SIGKILLed (a container dying meanwhile) and
// started again — no veth on the bridge, no namespace file, no address lease, no netfilter rule
// naming a container's address or host port, no port holder. Checked with ip link, nft and
// iptables-save, and by binding the ports.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { berthdForSuite, type TestDaemon } from '../../helpers/berthd';
import {
  assertNoNetworkLeftovers,
  assertNoRules,
  linksOnBridge,
  netfilterRules,
  netnsFiles,
} from '../../helpers/network';
import { addressOf, freePort, httpGet, networkTestsBlocked, ok, portIsFree, runHttpd, waitFor } from './util';

describe('network cleanup after rm and after a berthd crash', function () {
  let d: TestDaemon;

  berthdForSuite(networkTestsBlocked, (started) => (d = started));

  it('rm removes the veth, namespace, lease, rules and port holder', async () => {
    const net = `clean-${Date.now().toString(36)}`;
    await ok(d, ['network', 'create', net]);
    const port = await freePort();
    await runHttpd(d, 'c1', ['-p', `${port}:80`]);
    await ok(d, ['run', '-d', '--name', 'c2', '--network', net, 'busybox', 'sleep', '600']);
    const a1 = await addressOf(d, 'c1', 'bridge');
    const a2 = await addressOf(d, 'c2', net);
    assert.equal(linksOnBridge(d.net.bridge).length, 1);
    assert.equal(netnsFiles(d).length, 2);
    assert.ok(netfilterRules().includes(a1), 'the NAT rules name c1 while it runs');
    assert.throws(
      () => assertNoRules([], [port]),
      /portmap rule still names port/,
      'the port check sees c1 while it runs',
    );
    assert.equal(await portIsFree(port), false);

    await ok(d, ['rm', '-f', 'c1', 'c2']);
    await ok(d, ['network', 'rm', net]);
    assertNoNetworkLeftovers(d, { addresses: [a1, a2], ports: [port] });
    assert.equal(await portIsFree(port), true);
  });

  it('after SIGKILL of berthd: running containers keep their network, the dead one loses it all', async () => {
    const net = `crash-${Date.now().toString(36)}`;
    await ok(d, ['network', 'create', net]);
    const keepPort = await freePort();
    const deadPort = await freePort();
    await runHttpd(d, 'keeper', ['--network', net, '-p', `127.0.0.1:${keepPort}:80`]);
    await runHttpd(d, 'victim', ['-p', `127.0.0.1:${deadPort}:80`]);
    await ok(d, ['run', '-d', '--name', 'peer', '--network', net, 'busybox', 'sleep', '600']);
    const victimAddress = await addressOf(d, 'victim', 'bridge');
    const victimPid = Number((await ok(d, ['inspect', '-f', '{{.State.Pid}}', 'victim'])).trim());

    await d.kill();
    // While berthd is away: published ports still answer (the kernel's DNAT), the holders are gone.
    assert.equal((await httpGet('127.0.0.1', keepPort, '/hostname')).status, 200);
    process.kill(victimPid, 'SIGKILL');
    await waitFor('the victim to die', async () => (existsSync(`/proc/${victimPid}`) ? undefined : true));

    await d.restart();
    await waitFor('victim recorded as exited', async () =>
      (await ok(d, ['inspect', '-f', '{{.State.Status}}', 'victim'])).trim() === 'exited' ? true : undefined,
    );
    // The dead container's endpoint is undone: veth, namespace, lease, rules, port.
    assert.equal(
      linksOnBridge(d.net.bridge).length,
      0,
      'victim was the only container on the default bridge',
    );
    assertNoRules([victimAddress], [deadPort]);
    assert.equal(await portIsFree(deadPort, '127.0.0.1'), true);
    assert.equal((await ok(d, ['port', 'victim'])).trim(), '');
    // The survivors: port held again and served, names answered by the embedded DNS server.
    assert.equal(await portIsFree(keepPort, '127.0.0.1'), false, 'the keeper port is held again');
    assert.equal((await httpGet('127.0.0.1', keepPort, '/hostname')).status, 200);
    assert.match(await ok(d, ['exec', 'peer', 'wget', '-qO-', 'http://keeper/hostname']), /\w+/);

    const keeperAddress = await addressOf(d, 'keeper', net);
    await ok(d, ['rm', '-f', 'keeper', 'peer', 'victim']);
    await ok(d, ['network', 'rm', net]);
    assertNoNetworkLeftovers(d, { addresses: [keeperAddress, victimAddress], ports: [keepPort, deadPort] });
    assert.equal(await portIsFree(keepPort, '127.0.0.1'), true);
  });
});
