// Published ports: what a container asks for (HostConfig.PortBindings, -P for its exposed ports),
// and the host ports held for it while it runs. Holding a port is a socket of ours bound to it: the
// kernel tells us when another program or container already has it (before the container starts),
// and nothing else can take it until the container stops. The traffic itself never reaches these
// sockets: portmap's DNAT rules send it to the container first.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import type { PortBinding } from '../api/types';
import { EngineError, invalid } from '../daemon/errors';

export type PortProtocol = 'tcp' | 'udp' | 'sctp';

/** One published port, as asked. */
export interface PortRequest {
  containerPort: number;
  protocol: PortProtocol;
  /** '' for every address of the host. */
  hostIp: string;
  /** The first and last acceptable host port; [0, 0] lets the kernel pick one. */
  hostPorts: [number, number];
}

/** One published port, as held: portmap's runtimeConfig entry. */
export interface PortMapping {
  hostPort: number;
  containerPort: number;
  protocol: PortProtocol;
  hostIP?: string;
}

/** Docker's NetworkSettings.Ports: `"80/tcp": [{HostIp, HostPort}]`, null for exposed-only. */
export type PortMap = Record<string, PortBinding[] | null>;

function parsePort(text: string, what: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 65535)
    throw invalid(`invalid ${what} ${JSON.stringify(text)}: use 1-65535`);
  return n;
}

function parseRange(text: string, what: string): [number, number] {
  const [a, b] = text.split('-');
  const first = parsePort(a, what);
  const last = b === undefined ? first : parsePort(b, what);
  if (last < first)
    throw invalid(`invalid ${what} range ${JSON.stringify(text)}: the end is before the start`);
  return [first, last];
}

/** `80/tcp` → [80, 'tcp']. */
export function parsePortKey(key: string): [number, PortProtocol] {
  const [port, proto = 'tcp'] = key.split('/');
  const protocol = proto.toLowerCase();
  if (protocol !== 'tcp' && protocol !== 'udp' && protocol !== 'sctp')
    throw invalid(
      `invalid protocol ${JSON.stringify(proto)} in port ${JSON.stringify(key)}: use tcp, udp or sctp`,
    );
  return [parsePort(port, 'container port'), protocol];
}

/**
 * The ports to publish: every PortBindings entry (an empty host port means any free port), and with
 * -P every exposed port not bound explicitly, on a free port. Throws on malformed input, so the
 * create request fails before anything runs.
 */
export function planPorts(
  bindings: Record<string, PortBinding[] | null> | null | undefined,
  exposed: Record<string, unknown> | null | undefined,
  publishAll: boolean,
): PortRequest[] {
  const out: PortRequest[] = [];
  const keys = new Set<string>();
  for (const [key, list] of Object.entries(bindings ?? {})) {
    const [containerPort, protocol] = parsePortKey(key);
    keys.add(`${containerPort}/${protocol}`);
    for (const b of list?.length ? list : [{}]) {
      const hostIp = b.HostIp ?? '';
      if (hostIp && hostIp !== '0.0.0.0' && !/^\d+\.\d+\.\d+\.\d+$/.test(hostIp) && hostIp !== '::') {
        throw invalid(`invalid host IP ${JSON.stringify(hostIp)} for port ${key}: use an IPv4 address`);
      }
      const hostPorts: [number, number] = b.HostPort ? parseRange(b.HostPort, 'host port') : [0, 0];
      out.push({ containerPort, protocol, hostIp: hostIp === '0.0.0.0' ? '' : hostIp, hostPorts });
    }
  }
  if (publishAll) {
    for (const key of Object.keys(exposed ?? {})) {
      const [containerPort, protocol] = parsePortKey(key);
      if (keys.has(`${containerPort}/${protocol}`)) continue;
      out.push({ containerPort, protocol, hostIp: '', hostPorts: [0, 0] });
    }
  }
  // IPv6-only bindings have nothing to reach here (container networks are IPv4).
  return out.filter((p) => p.hostIp !== '::');
}

/** The Ports view: exposed ports with null, published ones with their host address and port. */
export function portMap(exposed: Record<string, unknown> | null | undefined, held: PortMapping[]): PortMap {
  const map: PortMap = {};
  for (const key of Object.keys(exposed ?? {})) {
    const [port, protocol] = parsePortKey(key);
    map[`${port}/${protocol}`] = null;
  }
  for (const m of held) {
    const key = `${m.containerPort}/${m.protocol}`;
    map[key] = [...(map[key] ?? []), { HostIp: m.hostIP || '0.0.0.0', HostPort: String(m.hostPort) }];
  }
  return map;
}

type Holder = { kind: 'tcp'; server: Server } | { kind: 'udp'; socket: UdpSocket };

/** A held host port and the socket holding it. */
export interface HeldPort {
  mapping: PortMapping;
  holder: Holder;
}

/** The host ports held for running containers, by container. */
export class PortHolders {
  private readonly held = new Map<string, HeldPort[]>();
  private readonly names = new Map<string, string>();

  /**
   * Holds a host port for each request, all or none. A taken port fails with what holds it and
   * what to do, before anything about the container has changed.
   */
  async hold(owner: string, ownerName: string, requests: PortRequest[]): Promise<PortMapping[]> {
    const mine: { mapping: PortMapping; holder: Holder }[] = [];
    try {
      for (const r of requests) {
        mine.push(await this.holdOne(r, ownerName));
      }
    } catch (err) {
      for (const h of mine) close(h.holder);
      throw err;
    }
    this.held.set(owner, [...(this.held.get(owner) ?? []), ...mine]);
    this.names.set(owner, ownerName);
    return mine.map((h) => h.mapping);
  }

  /** Holds ports again after a berthd restart (the container kept running, the sockets did not). */
  async rehold(owner: string, ownerName: string, mappings: PortMapping[]): Promise<string[]> {
    const problems: string[] = [];
    for (const m of mappings) {
      try {
        const holder = await this.bind(m.protocol, m.hostIP ?? '', m.hostPort, ownerName);
        this.held.set(owner, [...(this.held.get(owner) ?? []), { mapping: m, holder }]);
        this.names.set(owner, ownerName);
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
    return problems;
  }

  /** The ports held for `owner` (to serve them: port-proxy.ts). */
  heldBy(owner: string): HeldPort[] {
    return this.held.get(owner) ?? [];
  }

  release(owner: string): void {
    for (const h of this.held.get(owner) ?? []) close(h.holder);
    this.held.delete(owner);
    this.names.delete(owner);
  }

  /** The container holding a host port (to name it in a conflict). */
  private holderName(protocol: PortProtocol, port: number): string | undefined {
    for (const [owner, list] of this.held) {
      if (list.some((h) => h.mapping.protocol === protocol && h.mapping.hostPort === port))
        return this.names.get(owner) ?? owner.slice(0, 12);
    }
    return undefined;
  }

  private async holdOne(
    r: PortRequest,
    ownerName: string,
  ): Promise<{ mapping: PortMapping; holder: Holder }> {
    const [first, last] = r.hostPorts;
    let lastError: unknown;
    for (let port = first; port <= last; port++) {
      try {
        const holder = await this.bind(r.protocol, r.hostIp, port, ownerName);
        const hostPort = port === 0 ? boundPort(holder) : port;
        return {
          mapping: {
            hostPort,
            containerPort: r.containerPort,
            protocol: r.protocol,
            ...(r.hostIp ? { hostIP: r.hostIp } : {}),
          },
          holder,
        };
      } catch (err) {
        lastError = err;
        if (!(err instanceof EngineError) || first === last) throw err;
      }
    }
    throw lastError;
  }

  private bind(protocol: PortProtocol, hostIp: string, port: number, ownerName: string): Promise<Holder> {
    const address = hostIp || '0.0.0.0';
    const taken = (err: NodeJS.ErrnoException): Error => {
      const where = `${address}:${port}/${protocol}`;
      if (err.code === 'EADDRINUSE') {
        const holder = this.holderName(protocol, port);
        const by = holder ? `container ${holder}` : 'another program on this host';
        return new EngineError(
          'conflict',
          `cannot publish ${where} for container ${ownerName}: the port is already in use by ${by}; stop it or choose another host port (-p <other>:…)`,
        );
      }
      if (err.code === 'EADDRNOTAVAIL')
        return invalid(
          `cannot publish ${where} for container ${ownerName}: ${address} is not an address of this host`,
        );
      if (err.code === 'EACCES')
        return new EngineError(
          'forbidden',
          `cannot publish ${where} for container ${ownerName}: permission denied`,
        );
      return new EngineError('system', `cannot publish ${where} for container ${ownerName}: ${err.message}`);
    };
    if (protocol === 'sctp') {
      return Promise.reject(
        invalid(`cannot publish ${port}/sctp: SCTP ports are not supported; use tcp or udp`),
      );
    }
    return new Promise((resolve, reject) => {
      if (protocol === 'tcp') {
        // Half-open connections stay so when they are forwarded (port-proxy.ts).
        const server = createServer({ allowHalfOpen: true });
        server.once('error', (err) => reject(taken(err)));
        server.listen({ host: address, port, exclusive: true, backlog: 1 }, () => {
          server.removeAllListeners('error');
          server.on('error', () => undefined);
          // A connection that slips in before the DNAT rules exist is closed, not left hanging.
          server.on('connection', (c) => c.destroy());
          resolve({ kind: 'tcp', server });
        });
      } else {
        const socket = createSocket({ type: 'udp4', reuseAddr: false });
        socket.once('error', (err) => {
          socket.close();
          reject(taken(err));
        });
        socket.bind({ address, port, exclusive: true }, () => {
          socket.removeAllListeners('error');
          socket.on('error', () => undefined);
          socket.on('message', () => undefined);
          resolve({ kind: 'udp', socket });
        });
      }
    });
  }
}

function boundPort(holder: Holder): number {
  if (holder.kind === 'tcp') {
    const a = holder.server.address();
    return typeof a === 'object' && a ? a.port : 0;
  }
  return holder.socket.address().port;
}

function close(holder: Holder): void {
  if (holder.kind === 'tcp') holder.server.close();
  else holder.socket.close();
}
