// The embedded DNS server: for each container on a user-defined network, a UDP and a TCP socket at
// 127.0.0.11:53 inside the container's own network namespace (opened there by berthd, served by
// berthd's event loop). Names of containers on the container's networks are answered from
// DnsRecords; every other query is forwarded, from the host, to the upstream resolvers.
import { closeSync } from 'node:fs';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../../daemon/logger';
import type { NetnsCalls } from '../../runtime/linux/netns';
import {
  type Answer,
  buildResponse,
  opcode,
  parseQuery,
  RCODE,
  reverseAddress,
  TYPE,
  withId,
} from './message';
import type { DnsRecords } from './records';

export const embeddedDnsAddress = '127.0.0.11';
const upstreamTimeoutMs = 2500;
const maxTcpMessage = 65535;

interface Listener {
  udp: UdpSocket;
  tcp: Server;
  /** Network ids whose names this container sees. */
  networks: Set<string>;
  /** Resolvers for other names (the container's --dns, else the daemon's, else the host's). */
  upstream: string[];
}

export class DnsServer {
  private readonly listeners = new Map<string, Listener>();

  constructor(
    private readonly records: DnsRecords,
    private readonly calls: NetnsCalls,
    private readonly logger: Logger,
  ) {}

  /** Starts answering in the namespace at `netns` (idempotent); names of `networkId` become visible. */
  async serve(netns: string, networkId: string, upstream: string[]): Promise<void> {
    const existing = this.listeners.get(netns);
    if (existing) {
      existing.networks.add(networkId);
      return;
    }
    const udpFd = this.calls.bindSocket(netns, 'udp', embeddedDnsAddress, 53);
    let tcpFd: number | undefined;
    try {
      tcpFd = this.calls.bindSocket(netns, 'tcp', embeddedDnsAddress, 53);
    } catch (err) {
      closeSync(udpFd);
      throw err;
    }
    const listener: Listener = {
      udp: createSocket('udp4'),
      tcp: createServer(),
      networks: new Set([networkId]),
      upstream,
    };
    this.listeners.set(netns, listener);
    listener.udp.on('message', (msg, from) => {
      void this.answer(msg, listener, 'udp').then((reply) => {
        if (reply) listener.udp.send(reply, from.port, from.address);
      });
    });
    listener.udp.on('error', (err) =>
      this.logger.warn('embedded DNS (udp) error', { netns, error: err.message }),
    );
    listener.tcp.on('connection', (c) => this.serveTcp(c, listener));
    listener.tcp.on('error', (err) =>
      this.logger.warn('embedded DNS (tcp) error', { netns, error: err.message }),
    );
    await Promise.all([
      new Promise<void>((resolve) => listener.udp.bind({ fd: udpFd }, resolve)),
      new Promise<void>((resolve) => listener.tcp.listen({ fd: tcpFd }, resolve)),
    ]);
  }

  /** The container left `networkId`: its names are no longer visible there. */
  forget(netns: string, networkId: string): void {
    this.listeners.get(netns)?.networks.delete(networkId);
  }

  /** Stops answering in the namespace (its sockets would otherwise keep the namespace alive). */
  close(netns: string): void {
    const l = this.listeners.get(netns);
    if (!l) return;
    this.listeners.delete(netns);
    l.udp.close();
    l.tcp.close();
  }

  get serving(): number {
    return this.listeners.size;
  }

  private serveTcp(c: Socket, listener: Listener): void {
    let buffered = Buffer.alloc(0);
    c.on('error', () => undefined);
    c.setTimeout(30_000, () => c.destroy());
    c.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2) {
        const len = buffered.readUInt16BE(0);
        if (buffered.length < 2 + len) break;
        const msg = buffered.subarray(2, 2 + len);
        buffered = buffered.subarray(2 + len);
        void this.answer(msg, listener, 'tcp').then((reply) => {
          if (!reply || c.destroyed) return;
          const frame = Buffer.alloc(2);
          frame.writeUInt16BE(reply.length);
          c.write(Buffer.concat([frame, reply]));
        });
      }
      if (buffered.length > maxTcpMessage + 2) c.destroy();
    });
  }

  /** The reply to one message, or undefined to stay silent (it was not a query). */
  async answer(
    msg: Buffer,
    listener: Pick<Listener, 'networks' | 'upstream'>,
    via: 'udp' | 'tcp',
  ): Promise<Buffer | undefined> {
    const q = parseQuery(msg);
    if (!q) return undefined;
    if (opcode(q) !== 0) return buildResponse(msg, q, [], RCODE.NOTIMP);
    const local = this.local(q.name, q.type, listener.networks);
    if (local) return buildResponse(msg, q, local.answers, local.rcode);
    if (!listener.upstream.length) return buildResponse(msg, q, [], RCODE.SERVFAIL);
    for (const server of listener.upstream) {
      try {
        const reply = via === 'udp' ? await forwardUdp(msg, server) : await forwardTcp(msg, server);
        return withId(reply, q.id);
      } catch {
        // The next resolver, if any.
      }
    }
    return buildResponse(msg, q, [], RCODE.SERVFAIL);
  }

  /** The answer for names this server owns; undefined for names to forward. */
  private local(
    name: string,
    type: number,
    networks: ReadonlySet<string>,
  ): { answers: Answer[]; rcode: number } | undefined {
    const reversed = reverseAddress(name);
    if (reversed) {
      const ptr = this.records.reverse(reversed, networks);
      if (!ptr) return undefined;
      return {
        answers: type === TYPE.PTR || type === TYPE.ANY ? [{ type: TYPE.PTR, name: ptr }] : [],
        rcode: 0,
      };
    }
    const addresses = this.records.lookup(name, networks);
    if (!addresses.length) return undefined;
    // A known name has no IPv6 address: an empty answer, so the client does not go looking elsewhere.
    const answers: Answer[] =
      type === TYPE.A || type === TYPE.ANY ? addresses.map((address) => ({ type: TYPE.A, address })) : [];
    return { answers, rcode: RCODE.NOERROR };
  }
}

function forwardUdp(msg: Buffer, server: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const id = Math.floor(Math.random() * 0x10000);
    const socket = createSocket(server.includes(':') ? 'udp6' : 'udp4');
    const timer = setTimeout(() => done(new Error('timeout')), upstreamTimeoutMs);
    const done = (err?: Error, reply?: Buffer): void => {
      clearTimeout(timer);
      socket.close();
      if (err) reject(err);
      else resolve(reply!);
    };
    socket.on('error', (err) => done(err));
    socket.on('message', (reply, from) => {
      if (from.address === server && reply.length >= 2 && reply.readUInt16BE(0) === id)
        done(undefined, reply);
    });
    socket.send(withId(msg, id), 53, server);
  });
}

function forwardTcp(msg: Buffer, server: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const c = connect({ host: server, port: 53 });
    let buffered = Buffer.alloc(0);
    const timer = setTimeout(() => finish(new Error('timeout')), upstreamTimeoutMs);
    const finish = (err?: Error, reply?: Buffer): void => {
      clearTimeout(timer);
      c.destroy();
      if (err) reject(err);
      else resolve(reply!);
    };
    c.on('error', (err) => finish(err));
    c.on('connect', () => {
      const frame = Buffer.alloc(2);
      frame.writeUInt16BE(msg.length);
      c.write(Buffer.concat([frame, msg]));
    });
    c.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0))
        finish(undefined, buffered.subarray(2, 2 + buffered.readUInt16BE(0)));
    });
    c.on('end', () => finish(new Error('closed')));
  });
}
