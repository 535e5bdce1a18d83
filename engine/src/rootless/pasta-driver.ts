// Networking for rootless berthd through pasta (Debian's `passt`), the alternative to slirp4netns
// (slirp-driver.ts): each container's network namespace is connected to the host by its own pasta,
// which translates the container's traffic to the user's own sockets and binds its published ports
// on the host. pasta is faster than slirp4netns (it splices TCP instead of running a TCP/IP stack),
// and it runs detached from berthd, so a container that keeps running across a berthd restart
// keeps its network and its ports.
//
// pasta's defaults are wide open for a container engine, so every one is overridden:
// - `-t auto`/`-u auto` would publish every port the container listens on: only the requested
//   ports are given (`none` when there are none);
// - `-T auto`/`-U auto` would let the container reach every port bound on the host's 127.0.0.1
//   through its own loopback, and the gateway address is mapped to the host's loopback unless
//   `--no-map-gw`: the host's loopback belongs to the user, not to the container (as with
//   slirp4netns's --disable-host-loopback).
// The container gets slirp4netns's addresses (10.0.2.100/24 behind 10.0.2.2, DNS at 10.0.2.3), so
// both look the same from inside.
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
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
import {
  freeHostPort,
  gatewayAddress,
  guestAddress,
  makeNetns,
  range,
  slirpDnsAddress,
  unprivilegedPortStart,
} from './slirp-driver';

/** Where pasta is installed, or undefined. */
export function findPasta(): string | undefined {
  return ['/usr/bin/pasta', '/usr/local/bin/pasta'].find((p) => existsSync(p));
}

/** pasta's command line for a container's namespace; `tcp`/`udp` are its -t/-u specs (or none). */
export function pastaArgs(netns: string, pidFile: string, tcp: string[], udp: string[]): string[] {
  return [
    '--config-net',
    '--quiet',
    '--netns',
    netns,
    '--pid',
    pidFile,
    '--ipv4-only',
    '--address',
    guestAddress,
    '--netmask',
    '24',
    '--gateway',
    gatewayAddress,
    '--dns-forward',
    slirpDnsAddress,
    '--ns-ifname',
    'eth0',
    '--no-map-gw',
    '--tcp-ns',
    'none',
    '--udp-ns',
    'none',
    ...(tcp.length ? tcp.flatMap((spec) => ['--tcp-ports', spec]) : ['--tcp-ports', 'none']),
    ...(udp.length ? udp.flatMap((spec) => ['--udp-ports', spec]) : ['--udp-ports', 'none']),
  ];
}

/** Whether nothing listens on `address:port` now (pasta binds it itself; it cannot say which failed). */
function portFree(address: string, port: number, protocol: 'tcp' | 'udp'): Promise<boolean> {
  return new Promise((resolve) => {
    if (protocol === 'udp') {
      const s = createSocket('udp4');
      s.once('error', () => resolve(false));
      s.bind(port, address, () => s.close(() => resolve(true)));
      return;
    }
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, address, () => s.close(() => resolve(true)));
  });
}

export class PastaDriver implements NetworkDriver {
  readonly name = 'bridge';
  private readonly netnsDir: string;

  constructor(private readonly o: { execRoot: string; pasta: string; logger: Logger }) {
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
    this.stopPasta(sandbox.path);
    linuxNetnsCalls.remove(sandbox.path);
  }

  async join(net: NetworkRecord, sandbox: NetworkNamespace, req: EndpointRequest): Promise<JoinedEndpoint> {
    if (sandbox.kind !== 'path')
      throw new EngineError(
        'system',
        `container ${req.containerName} has no network namespace to join ${net.Name} from`,
      );
    const requests = req.ports ?? [];
    let ports: PortMapping[] = [];
    if (this.pastaPid(sandbox.path) === undefined) {
      ports = await Promise.all(requests.map((p) => this.choosePort(p, req.containerName)));
      await this.startPasta(sandbox.path, ports, req.containerName);
    } else if (requests.length) {
      throw new EngineError(
        'invalid',
        `cannot publish ports of ${req.containerName} on a second network: pasta publishes a container's ports ` +
          'when it joins its first network (publish them there, or use slirp4netns)',
      );
    }
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
    if (sandbox.kind === 'path') this.stopPasta(sandbox.path);
  }

  /** pasta outlives berthd: a running container keeps its network; anything else left goes. */
  async recover(live: LiveSandbox[], _networks: NetworkRecord[]): Promise<void> {
    const keep = new Set(live.map((l) => (l.sandbox.kind === 'path' ? l.sandbox.path : '')));
    for (const name of readdirSync(this.netnsDir)) {
      const path = join(this.netnsDir, name);
      if (name.endsWith('.pasta.pid') || name.endsWith('.sock')) {
        if (!existsSync(path.replace(/\.pasta\.pid$/, ''))) rmSync(path, { force: true });
        continue;
      }
      if (keep.has(path)) {
        if (this.pastaPid(path) === undefined) {
          this.o.logger.warn('a rootless container kept running while berthd was away: its network is gone', {
            container: name.slice(0, 12),
          });
        }
        continue;
      }
      this.stopPasta(path);
      linuxNetnsCalls.remove(path);
    }
  }

  private pidFile(netns: string): string {
    return `${netns}.pasta.pid`;
  }

  /** The pid of the pasta serving `netns`, if it still runs (checked by name: pids are reused). */
  private pastaPid(netns: string): number | undefined {
    try {
      const pid = Number(readFileSync(this.pidFile(netns), 'utf8').trim());
      const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      return comm.startsWith('pasta') || comm.startsWith('passt') ? pid : undefined; // pasta.avx2 on Debian
    } catch {
      return undefined;
    }
  }

  private async choosePort(p: PortRequest, containerName: string): Promise<PortMapping> {
    if (p.protocol === 'sctp')
      throw new EngineError('invalid', `rootless berthd cannot publish SCTP ports (${p.containerPort}/sctp)`);
    const hostAddress = p.hostIp || '0.0.0.0';
    const [low, high] = p.hostPorts;
    const candidates = low === 0 ? [await freeHostPort(hostAddress)] : range(low, high);
    for (const hostPort of candidates) {
      if (await portFree(hostAddress, hostPort, p.protocol)) {
        return {
          hostPort,
          containerPort: p.containerPort,
          protocol: p.protocol,
          ...(p.hostIp && { hostIP: p.hostIp }),
        };
      }
    }
    throw new EngineError(
      'conflict',
      `cannot publish port ${p.containerPort}/${p.protocol} of ${containerName} on ${hostAddress}:${low}${high !== low ? `-${high}` : ''}: ` +
        `the port is taken, or below ${unprivilegedPortStart()} (which needs root)`,
    );
  }

  private startPasta(netns: string, ports: PortMapping[], containerName: string): Promise<void> {
    const spec = (m: PortMapping): string =>
      `${m.hostIP ? `${m.hostIP}/` : ''}${m.hostPort}:${m.containerPort}`;
    const tcp = ports.filter((m) => m.protocol === 'tcp').map(spec);
    const udp = ports.filter((m) => m.protocol === 'udp').map(spec);
    rmSync(this.pidFile(netns), { force: true });
    // pasta sets the namespace up, then detaches (its first process exits 0): ready.
    const child = spawn(this.o.pasta, pastaArgs(netns, this.pidFile(netns), tcp, udp), {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    return new Promise((resolve, reject) => {
      child.once('error', (err) => reject(new EngineError('system', `cannot run pasta: ${err.message}`)));
      child.once('close', (code) => {
        if (code === 0 && this.pastaPid(netns) !== undefined) return resolve();
        const why = stderr
          .split('\n')
          .filter((l) => l && !l.startsWith('Failed to send'))
          .join('; ');
        reject(
          new EngineError(
            ports.length ? 'conflict' : 'system',
            `pasta could not connect ${containerName} to the network (exit ${code}): ${why || 'no message'}` +
              (ports.length ? ' (is a published port taken?)' : ''),
          ),
        );
      });
    });
  }

  private stopPasta(netns: string): void {
    const pid = this.pastaPid(netns);
    if (pid !== undefined) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // gone meanwhile
      }
    }
    rmSync(this.pidFile(netns), { force: true });
  }
}
