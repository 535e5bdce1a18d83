// Networking for rootless berthd: each container on a bridge network gets its own network
// namespace connected to the host by slirp4netns (a user-mode TCP/IP stack: the container's
// traffic leaves as the user's own sockets), and its published ports become slirp4netns host
// forwards, bound by slirp4netns on the host. The bridge driver (engine/src/network/) needs real
// root; this one needs only what root of the user namespace may do.
//
// The namespace is made by `unshare --net=<file>` (a single-threaded child, which pins it by a bind
// mount): berthd cannot make it on one of its own threads as it does as root, because root of a
// user namespace may not step back into the host's network namespace afterwards.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { EndpointSettings } from '../api/types';
import type {
  EndpointRequest,
  JoinedEndpoint,
  LiveSandbox,
  NetworkDriver,
  NetworkRecord,
} from '../daemon/network/driver';
import type { NetworkNamespace } from '../daemon/spec/generate';
import { EngineError } from '../daemon/errors';
import type { Logger } from '../daemon/logger';
import type { PortMapping, PortRequest } from '../network/ports';
import { linuxNetnsCalls } from '../runtime/linux/netns';

/** slirp4netns's fixed addresses (its defaults for 10.0.2.0/24; pasta is given the same). */
export const guestAddress = '10.0.2.100';
export const gatewayAddress = '10.0.2.2';
/** slirp4netns answers DNS here, forwarding to the host's resolvers. */
export const slirpDnsAddress = '10.0.2.3';

interface Slirp {
  child: ChildProcess;
  apiSocket: string;
}

/** Where slirp4netns is installed, or undefined. */
export function findSlirp4netns(): string | undefined {
  return ['/usr/bin/slirp4netns', '/usr/local/bin/slirp4netns'].find((p) => existsSync(p));
}

/** Sends one request to slirp4netns's API socket and answers its reply. */
function slirpApi(socket: string, request: object): Promise<{ return?: unknown; error?: { desc?: string } }> {
  return new Promise((resolve, reject) => {
    const c = connect(socket);
    let reply = '';
    c.on('connect', () => c.end(JSON.stringify(request)));
    c.on('data', (d: Buffer) => (reply += d.toString()));
    c.on('error', reject);
    c.on('close', () => {
      try {
        resolve(JSON.parse(reply) as { return?: unknown; error?: { desc?: string } });
      } catch {
        reject(new Error(`slirp4netns answered ${JSON.stringify(reply)} on ${socket}`));
      }
    });
  });
}

/**
 * A network namespace for a container, pinned by a bind mount on `<netnsDir>/<id>` made by
 * `unshare --net=` (a single-threaded child: see the top of this file).
 */
export function makeNetns(netnsDir: string, containerId: string): NetworkNamespace {
  const path = join(netnsDir, containerId);
  if (existsSync(path)) linuxNetnsCalls.remove(path);
  closeSync(openSync(path, 'wx', 0o444));
  const r = spawnSync('unshare', [`--net=${path}`, 'true'], { encoding: 'utf8' });
  if (r.status !== 0) {
    rmSync(path, { force: true });
    throw new EngineError(
      'system',
      `cannot make a network namespace for container ${containerId.slice(0, 12)}: ${r.stderr.trim() || r.error?.message}`,
    );
  }
  return { kind: 'path', path };
}

/** A host port nobody listens on now, for a request that lets the host pick. */
export function freeHostPort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, address, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export class SlirpDriver implements NetworkDriver {
  readonly name = 'bridge';
  private readonly netnsDir: string;
  private readonly slirps = new Map<string, Slirp>();

  constructor(private readonly o: { execRoot: string; slirp4netns: string; logger: Logger }) {
    this.netnsDir = join(o.execRoot, 'netns');
    mkdirSync(this.netnsDir, { recursive: true, mode: 0o711 });
  }

  // Each container reaches the host and the outside world alone: networks are labels here.
  async createNetwork(_net: NetworkRecord): Promise<void> {}
  async removeNetwork(_net: NetworkRecord): Promise<void> {}

  async createSandbox(containerId: string): Promise<NetworkNamespace> {
    return makeNetns(this.netnsDir, containerId);
  }

  async destroySandbox(_containerId: string, sandbox: NetworkNamespace): Promise<void> {
    if (sandbox.kind !== 'path' || !sandbox.path.startsWith(this.netnsDir + '/')) return;
    this.stopSlirp(sandbox.path);
    linuxNetnsCalls.remove(sandbox.path);
  }

  async join(net: NetworkRecord, sandbox: NetworkNamespace, req: EndpointRequest): Promise<JoinedEndpoint> {
    if (sandbox.kind !== 'path')
      throw new EngineError(
        'system',
        `container ${req.containerName} has no network namespace to join ${net.Name} from`,
      );
    if (!this.slirps.has(sandbox.path)) this.slirps.set(sandbox.path, await this.startSlirp(sandbox.path));
    const slirp = this.slirps.get(sandbox.path)!;
    const ports: PortMapping[] = [];
    for (const p of req.ports ?? []) ports.push(await this.forward(slirp, p, req.containerName));
    const settings: EndpointSettings = {
      EndpointID: randomBytes(32).toString('hex'),
      Gateway: gatewayAddress,
      IPAddress: guestAddress,
      IPPrefixLen: 24,
      MacAddress: '',
      NetworkID: net.Id,
      Aliases: req.aliases,
    };
    return { settings, ports };
  }

  async leave(_net: NetworkRecord, sandbox: NetworkNamespace, _endpoint: EndpointSettings): Promise<void> {
    if (sandbox.kind === 'path') this.stopSlirp(sandbox.path);
  }

  /** slirp4netns does not outlive berthd: namespaces left behind by an earlier one are removed. */
  async recover(live: LiveSandbox[], _networks: NetworkRecord[]): Promise<void> {
    const keep = new Set(live.map((l) => (l.sandbox.kind === 'path' ? l.sandbox.path : '')));
    for (const name of readdirSync(this.netnsDir)) {
      const path = join(this.netnsDir, name);
      if (keep.has(path)) {
        this.o.logger.warn('a rootless container kept running while berthd was away: its network is gone', {
          container: name.slice(0, 12),
        });
        continue;
      }
      if (!name.endsWith('.sock')) linuxNetnsCalls.remove(path);
      else rmSync(path, { force: true });
    }
  }

  private startSlirp(netns: string): Promise<Slirp> {
    // A unix socket path has at most 107 bytes: short names, in /tmp if the exec root is too deep.
    const name = `${basename(netns).slice(0, 12)}.sock`;
    const dir = this.netnsDir.length + name.length < 100 ? this.netnsDir : tmpdir();
    const apiSocket = join(dir, dir === this.netnsDir ? name : `berth-slirp-${process.pid}-${name}`);
    rmSync(apiSocket, { force: true });
    const child = spawn(
      this.o.slirp4netns,
      [
        '--configure',
        '--mtu=65520',
        // The host's 127.0.0.1 is not reachable as 10.0.2.2 (it is the user's, not the container's).
        '--disable-host-loopback',
        '--netns-type=path',
        `--api-socket=${apiSocket}`,
        '--ready-fd=3',
        netns,
        'tap0',
      ],
      { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    return new Promise((resolve, reject) => {
      const ready = child.stdio[3] as NodeJS.ReadableStream;
      ready.once('data', () => resolve({ child, apiSocket }));
      child.once('error', (err) =>
        reject(new EngineError('system', `cannot run slirp4netns: ${err.message}`)),
      );
      child.once('exit', (code) =>
        reject(
          new EngineError('system', `slirp4netns exited (${code}) before it was ready: ${stderr.trim()}`),
        ),
      );
    });
  }

  private stopSlirp(netns: string): void {
    const slirp = this.slirps.get(netns);
    if (!slirp) return;
    this.slirps.delete(netns);
    slirp.child.kill('SIGTERM');
    rmSync(slirp.apiSocket, { force: true });
  }

  private async forward(slirp: Slirp, p: PortRequest, containerName: string): Promise<PortMapping> {
    if (p.protocol === 'sctp')
      throw new EngineError('invalid', `rootless berthd cannot publish SCTP ports (${p.containerPort}/sctp)`);
    const hostAddress = p.hostIp || '0.0.0.0';
    const [low, high] = p.hostPorts;
    const candidates = low === 0 ? [await freeHostPort(hostAddress)] : range(low, high);
    let last = '';
    for (const hostPort of candidates) {
      const reply = await slirpApi(slirp.apiSocket, {
        execute: 'add_hostfwd',
        arguments: {
          proto: p.protocol,
          host_addr: hostAddress,
          host_port: hostPort,
          guest_port: p.containerPort,
        },
      });
      if (!reply.error) {
        return {
          hostPort,
          containerPort: p.containerPort,
          protocol: p.protocol,
          ...(p.hostIp && { hostIP: p.hostIp }),
        };
      }
      last = reply.error.desc ?? JSON.stringify(reply.error);
    }
    throw new EngineError(
      'conflict',
      `cannot publish port ${p.containerPort}/${p.protocol} of ${containerName} on ${hostAddress}:${low}${high !== low ? `-${high}` : ''}: ` +
        `${last} (is the port taken? ports below ${unprivilegedPortStart()} need root)`,
    );
  }
}

export function range(low: number, high: number): number[] {
  const out: number[] = [];
  for (let p = low; p <= high; p++) out.push(p);
  return out;
}

export function unprivilegedPortStart(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8').trim());
  } catch {
    return 1024;
  }
}
