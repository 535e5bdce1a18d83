import * as assert from 'node:assert/strict';
import type { NetworkRecord } from '../../../engine/src/daemon/network/driver';
import { bridgeName, networkConfigList, requestedAddress } from '../../../engine/src/network/conflist';

function network(over: Partial<NetworkRecord> = {}): NetworkRecord {
  return {
    Id: '0123456789abcdef'.repeat(4),
    Name: 'front',
    Driver: 'bridge',
    Created: '',
    Scope: 'local',
    Internal: false,
    Attachable: false,
    EnableIPv6: false,
    IPAM: { Driver: 'default', Config: [{ Subnet: '10.5.0.0/24', Gateway: '10.5.0.1' }], Options: null },
    Options: {},
    Labels: {},
    Builtin: false,
    ...over,
  };
}

describe('CNI network configuration lists', () => {
  it('chains bridge (host-local), portmap when ports are published, and firewall', () => {
    const list = networkConfigList(network(), { ipamDir: '/run/berth/cni/ipam', portmap: true });
    assert.equal(list.cniVersion, '1.0.0');
    assert.equal(list.name, 'berth-0123456789ab');
    assert.deepEqual(
      list.plugins.map((p) => p.type),
      ['bridge', 'portmap', 'firewall'],
    );
    const [bridge, portmap] = list.plugins;
    assert.equal(bridge.bridge, 'berth-012345678');
    assert.equal(bridge.isGateway, true);
    assert.equal(bridge.ipMasq, true);
    assert.equal(bridge.hairpinMode, true);
    assert.deepEqual(bridge.ipam, {
      type: 'host-local',
      dataDir: '/run/berth/cni/ipam',
      ranges: [[{ subnet: '10.5.0.0/24', gateway: '10.5.0.1' }]],
      routes: [{ dst: '0.0.0.0/0' }],
    });
    assert.deepEqual(portmap.capabilities, { portMappings: true });
    assert.equal(portmap.snat, true);
    assert.deepEqual(
      networkConfigList(network(), { ipamDir: '/x', portmap: false }).plugins.map((p) => p.type),
      ['bridge', 'firewall'],
    );
  });

  it('follows the network options: bridge name, masquerade, MTU, internal, IP range', () => {
    const net = network({
      Internal: true,
      Options: { 'com.docker.network.bridge.name': 'br-mine', 'com.docker.network.driver.mtu': '1400' },
      IPAM: {
        Driver: 'default',
        Config: [{ Subnet: '10.6.0.0/16', Gateway: '10.6.0.1', IPRange: '10.6.5.0/24' }],
        Options: null,
      },
    });
    const [bridge] = networkConfigList(net, { ipamDir: '/x', portmap: false }).plugins;
    assert.equal(bridgeName(net), 'br-mine');
    assert.equal(bridge.ipMasq, false);
    assert.equal(bridge.mtu, 1400);
    const ipam = bridge.ipam as { ranges: Record<string, string>[][]; routes: unknown[] };
    assert.deepEqual(ipam.routes, []);
    assert.deepEqual(ipam.ranges[0][0], {
      subnet: '10.6.0.0/16',
      gateway: '10.6.0.1',
      rangeStart: '10.6.5.0',
      rangeEnd: '10.6.5.254',
    });
    const noMasq = network({ Options: { 'com.docker.network.bridge.enable_ip_masquerade': 'false' } });
    assert.equal(networkConfigList(noMasq, { ipamDir: '/x', portmap: false }).plugins[0].ipMasq, false);
  });

  it('checks a requested address against the subnets', () => {
    assert.equal(requestedAddress(network(), '10.5.0.9'), '10.5.0.9/24');
    assert.throws(
      () => requestedAddress(network(), '10.9.0.9'),
      /does not belong to any of network front's subnets/,
    );
  });
});
