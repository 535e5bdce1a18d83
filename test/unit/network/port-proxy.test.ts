// The forwarding of published ports (rootless berthd): real sockets on 127.0.0.1 stand in for the
// host and for the container; the "namespace" sockets are opened in this process's own namespace.
import * as assert from 'node:assert/strict';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer, type Server } from 'node:net';
import { silentLogger } from '../../../engine/src/daemon/logger';
import { PortProxy } from '../../../engine/src/network/port-proxy';
import { PortHolders } from '../../../engine/src/network/ports';
import { linuxNetnsCalls, openSocket } from '../../../engine/src/runtime/linux/netns';
import { skipBecause } from '../../helpers/skip';

function listening(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
}

describe('PortProxy: published ports forwarded into a namespace', () => {
  const holders = new PortHolders();
  afterEach(() => holders.release('c1'));

  it('joins each TCP connection on the host port to the container, both ways, half-close included', async () => {
    // The "container": echoes what it got once its peer has finished sending.
    const container = createServer({ allowHalfOpen: true }, (c) => {
      const got: Buffer[] = [];
      c.on('data', (d: Buffer) => got.push(d));
      c.on('end', () => c.end(`echo:${Buffer.concat(got).toString()}`));
    });
    const containerPort = await listening(container);
    try {
      const [mapping] = await holders.hold('c1', 'web', [
        { containerPort, protocol: 'tcp', hostIp: '127.0.0.1', hostPorts: [0, 0] },
      ]);
      const proxy = new PortProxy({ tcpSocket: () => openSocket('tcp'), udpSocket: () => -1 }, silentLogger);
      for (const held of holders.heldBy('c1')) proxy.forward(held, '127.0.0.1');
      const reply = await new Promise<string>((resolve, reject) => {
        const c = connect(mapping.hostPort, '127.0.0.1', () => c.end('hello'));
        let text = '';
        c.on('data', (d: Buffer) => (text += d.toString()));
        c.on('end', () => resolve(text));
        c.on('error', reject);
      });
      assert.equal(reply, 'echo:hello');
    } finally {
      container.close();
    }
  });

  it('relays UDP datagrams to the container and its replies back to each peer', async function () {
    if (process.getuid?.() !== 0)
      return skipBecause(this, 'needs root (the UDP socket is bound through setns into our own namespace)');
    const container = createSocket('udp4');
    container.on('message', (msg, from) => container.send(`echo:${msg.toString()}`, from.port, from.address));
    await new Promise<void>((resolve) => container.bind(0, '127.0.0.1', resolve));
    const peer: UdpSocket = createSocket('udp4');
    try {
      const [mapping] = await holders.hold('c1', 'dns', [
        { containerPort: container.address().port, protocol: 'udp', hostIp: '127.0.0.1', hostPorts: [0, 0] },
      ]);
      const sockets = {
        tcpSocket: () => -1,
        udpSocket: () => linuxNetnsCalls.bindSocket('/proc/self/ns/net', 'udp', '0.0.0.0', 0),
      };
      const proxy = new PortProxy(sockets, silentLogger);
      for (const held of holders.heldBy('c1')) proxy.forward(held, '127.0.0.1');
      const reply = new Promise<string>((resolve) => peer.once('message', (m) => resolve(m.toString())));
      peer.send('ping', mapping.hostPort, '127.0.0.1');
      assert.equal(await reply, 'echo:ping');
    } finally {
      peer.close();
      container.close();
    }
  });
});
