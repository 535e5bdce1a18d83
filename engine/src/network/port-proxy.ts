// Published ports by forwarding, for rootless berthd: the containers' addresses live in berthd's
// own network namespace (rootless/rootless-netns.ts), which the host cannot route to and where no
// DNAT rule of the host applies. So the socket that holds a published host port (ports.ts) serves
// it too: each TCP connection it accepts is joined to a connection, opened from inside that
// namespace, to the container's address and port; each UDP peer gets a socket there of its own
// (dropped after a minute without traffic). As with Docker's userland proxy, the container sees
// the namespace's bridge address as the peer.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { Socket } from 'node:net';
import type { Logger } from '../daemon/logger';
import type { HeldPort } from './ports';

/** Sockets opened inside the namespace where the containers' addresses are. */
export interface NamespaceSockets {
  tcpSocket(): number;
  udpSocket(): number;
}

const udpIdleMs = 60_000;

export class PortProxy {
  constructor(
    private readonly sockets: NamespaceSockets,
    private readonly logger: Logger,
  ) {}

  /** From now on, what reaches the held host port goes to `address`:`mapping.containerPort`. */
  forward(held: HeldPort, address: string): void {
    const port = held.mapping.containerPort;
    if (held.holder.kind === 'tcp') {
      const server = held.holder.server;
      server.removeAllListeners('connection');
      server.on('connection', (client: Socket) => this.joinTcp(client, address, port));
    } else {
      this.relayUdp(held.holder.socket, address, port);
    }
  }

  private joinTcp(client: Socket, address: string, port: number): void {
    let inside: Socket;
    try {
      inside = new Socket({ fd: this.sockets.tcpSocket(), allowHalfOpen: true });
    } catch (err) {
      this.logger.warn('cannot open a connection to a published port', { error: (err as Error).message });
      client.destroy();
      return;
    }
    const end = (): void => {
      client.destroy();
      inside.destroy();
    };
    client.on('error', end);
    inside.on('error', end);
    client.on('close', () => inside.destroy());
    inside.on('close', () => client.destroy());
    inside.connect(port, address);
    client.pipe(inside);
    inside.pipe(client);
  }

  private relayUdp(outer: UdpSocket, address: string, port: number): void {
    const peers = new Map<string, { socket: UdpSocket; timer?: NodeJS.Timeout }>();
    outer.removeAllListeners('message');
    outer.on('close', () => {
      for (const p of peers.values()) {
        if (p.timer) clearTimeout(p.timer);
        p.socket.close();
      }
      peers.clear();
    });
    outer.on('message', (msg, from) => {
      const key = `${from.address}:${from.port}`;
      let peer = peers.get(key);
      if (!peer) {
        let fd: number;
        try {
          fd = this.sockets.udpSocket();
        } catch (err) {
          this.logger.warn('cannot open a socket to a published UDP port', { error: (err as Error).message });
          return;
        }
        const socket = createSocket('udp4');
        socket.bind({ fd });
        socket.on('error', () => undefined);
        socket.on('message', (reply) => outer.send(reply, from.port, from.address));
        peer = { socket };
        peers.set(key, peer);
      }
      const p = peer;
      if (p.timer) clearTimeout(p.timer);
      p.timer = setTimeout(() => {
        peers.delete(key);
        p.socket.close();
      }, udpIdleMs);
      p.timer.unref();
      p.socket.send(msg, port, address);
    });
  }
}
