import * as assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { isEngineError } from '../../../engine/src/daemon/errors';
import type { PortBinding } from '../../../engine/src/api/types';
import { parsePortKey, planPorts, PortHolders, portMap } from '../../../engine/src/network/ports';

describe('published ports', () => {
  it('plans PortBindings: host address, port, range, any free port', () => {
    const plan = planPorts(
      {
        '80/tcp': [
          { HostIp: '127.0.0.1', HostPort: '8080' },
          { HostIp: '', HostPort: '8081' },
        ],
        '53/udp': [{ HostPort: '' }],
        '81': [{ HostPort: '9000-9010' }],
        '443/tcp': null,
      },
      {},
      false,
    );
    // JSON object order: the integer-like key '81' comes first.
    assert.deepEqual(plan, [
      { containerPort: 81, protocol: 'tcp', hostIp: '', hostPorts: [9000, 9010] },
      { containerPort: 80, protocol: 'tcp', hostIp: '127.0.0.1', hostPorts: [8080, 8080] },
      { containerPort: 80, protocol: 'tcp', hostIp: '', hostPorts: [8081, 8081] },
      { containerPort: 53, protocol: 'udp', hostIp: '', hostPorts: [0, 0] },
      { containerPort: 443, protocol: 'tcp', hostIp: '', hostPorts: [0, 0] },
    ]);
  });

  it('publishes every exposed port with -P, except those bound explicitly', () => {
    const plan = planPorts({ '80/tcp': [{ HostPort: '8080' }] }, { '80/tcp': {}, '53/udp': {} }, true);
    assert.deepEqual(
      plan.map((p) => [p.containerPort, p.protocol, p.hostPorts[0]]),
      [
        [80, 'tcp', 8080],
        [53, 'udp', 0],
      ],
    );
    assert.deepEqual(planPorts(undefined, { '80/tcp': {} }, false), []);
  });

  it('refuses malformed ports with a clear 400', () => {
    const cases: [Record<string, PortBinding[]>, RegExp][] = [
      [{ '80/tcp': [{ HostPort: '70000' }] }, /invalid host port "70000"/],
      [{ '0/tcp': [] }, /invalid container port "0"/],
      [{ '80/xyz': [] }, /invalid protocol "xyz"/],
      [{ '80': [{ HostPort: '9010-9000' }] }, /the end is before the start/],
      [{ '80': [{ HostIp: 'example.com', HostPort: '1' }] }, /invalid host IP/],
    ];
    for (const [bindings, text] of cases) {
      assert.throws(
        () => planPorts(bindings, {}, false),
        (e: Error) => isEngineError(e, 'invalid') && text.test(e.message),
      );
    }
    assert.deepEqual(parsePortKey('53/UDP'), [53, 'udp']);
  });

  it('shows Ports as Docker does', () => {
    assert.deepEqual(
      portMap({ '80/tcp': {}, '22/tcp': {} }, [
        { hostPort: 8080, containerPort: 80, protocol: 'tcp', hostIP: '127.0.0.1' },
        { hostPort: 5353, containerPort: 53, protocol: 'udp' },
      ]),
      {
        '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }],
        '22/tcp': null,
        '53/udp': [{ HostIp: '0.0.0.0', HostPort: '5353' }],
      },
    );
  });

  describe('holders', () => {
    const holders = new PortHolders();
    afterEach(() => {
      holders.release('a');
      holders.release('b');
    });

    it('holds free ports (a kernel-chosen one too) and releases them', async () => {
      const held = await holders.hold('a', 'web', [
        { containerPort: 80, protocol: 'tcp', hostIp: '127.0.0.1', hostPorts: [0, 0] },
        { containerPort: 53, protocol: 'udp', hostIp: '127.0.0.1', hostPorts: [0, 0] },
      ]);
      assert.equal(held.length, 2);
      assert.ok(held.every((m) => m.hostPort > 0 && m.hostIP === '127.0.0.1'));
      const clash = await holders
        .hold('b', 'late', [
          {
            containerPort: 80,
            protocol: 'tcp',
            hostIp: '127.0.0.1',
            hostPorts: [held[0].hostPort, held[0].hostPort],
          },
        ])
        .then(
          () => undefined,
          (e: Error) => e,
        );
      assert.ok(clash && isEngineError(clash, 'conflict'), String(clash));
      assert.match(clash.message, /already in use by container web/);
      holders.release('a');
      const again = await holders.hold('b', 'late', [
        {
          containerPort: 80,
          protocol: 'tcp',
          hostIp: '127.0.0.1',
          hostPorts: [held[0].hostPort, held[0].hostPort],
        },
      ]);
      assert.equal(again[0].hostPort, held[0].hostPort);
    });

    it('names another program, holds nothing when one port of several fails, and takes the next port of a range', async () => {
      const other = createServer();
      await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
      const taken = (other.address() as { port: number }).port;
      try {
        await assert.rejects(
          holders.hold('a', 'web', [
            { containerPort: 81, protocol: 'tcp', hostIp: '127.0.0.1', hostPorts: [0, 0] },
            { containerPort: 80, protocol: 'tcp', hostIp: '127.0.0.1', hostPorts: [taken, taken] },
          ]),
          /127\.0\.0\.1:\d+\/tcp for container web: the port is already in use by another program on this host/,
        );
        const ranged = await holders.hold('a', 'web', [
          {
            containerPort: 80,
            protocol: 'tcp',
            hostIp: '127.0.0.1',
            hostPorts: [taken, Math.min(taken + 50, 65535)],
          },
        ]);
        assert.ok(ranged[0].hostPort > taken);
      } finally {
        other.close();
      }
    });
  });
});
