// Rootless berthd's network namespace (podman calls its own "rootless-netns"): one per berthd,
// owned by its user namespace, pinned at <exec root>/rootless-netns. The bridge driver
// (engine/src/network/) runs inside it as it runs on the host as root: the networks' bridges, the
// containers' veths, their addresses, NAT and the isolation between networks all live there, so
// containers on one network reach each other, by name through the embedded DNS server. The way
// out is one user-mode link for the whole namespace — pasta (Debian's `passt`) or slirp4netns —
// which turns the namespace's traffic into the user's own sockets. Published ports do not go
// through the link: berthd listens on the host and forwards into the namespace (port-proxy.ts).
//
// The namespace and its link outlive berthd (the keeper of berth-userns.c holds the mount that
// pins it): a restarted berthd finds both and carries on, and running containers keep their
// network. The link is told to keep the host to itself, as before when each container had its
// own: no port of the namespace is published by it, and the host's loopback is not reachable
// through it (pasta: -T/-U none, --no-map-gw; slirp4netns: --disable-host-loopback).
import { execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../daemon/logger';
import type { NamespaceSockets } from '../network/port-proxy';
import { linuxNetnsCalls, type NetnsCalls } from '../runtime/linux/netns';
import type { RootlessNetwork } from './network-choice';
import { NetnsThread } from './netns-thread';

/** The link's addresses in the namespace (slirp4netns's defaults; pasta is given the same). */
export const linkAddress = '10.0.2.100';
export const linkGateway = '10.0.2.2';
/** Where the link answers DNS, forwarding to the host's resolvers. */
export const linkDns = '10.0.2.3';
const linkInterface = 'tap0';
const systemDirs = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** Where pasta or slirp4netns is installed, or undefined. */
export function findLinkTool(tool: RootlessNetwork): string | undefined {
  return ['/usr/bin', '/usr/local/bin'].map((dir) => join(dir, tool)).find((p) => existsSync(p));
}

/** pasta's command line for the namespace: out only, nothing published, the host's loopback kept out. */
export function pastaArgs(netns: string, pidFile: string): string[] {
  return [
    '--config-net',
    '--quiet',
    '--netns',
    netns,
    '--pid',
    pidFile,
    '--ipv4-only',
    '--address',
    linkAddress,
    '--netmask',
    '24',
    '--gateway',
    linkGateway,
    '--dns-forward',
    linkDns,
    '--ns-ifname',
    linkInterface,
    '--no-map-gw',
    '--tcp-ns',
    'none',
    '--udp-ns',
    'none',
    '--tcp-ports',
    'none',
    '--udp-ports',
    'none',
  ];
}

/** slirp4netns's command line for the namespace (it publishes nothing unless asked). */
export function slirpArgs(netns: string): string[] {
  return [
    '--configure',
    '--mtu=65520',
    '--disable-host-loopback',
    '--netns-type=path',
    '--ready-fd=3',
    netns,
    linkInterface,
  ];
}

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(file, args, { timeout: 30_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${file} ${args.join(' ')}: ${stderr.trim() || err.message}`)) : resolve(stdout),
    ),
  );
}

export class RootlessNetns implements NetnsCalls, NamespaceSockets {
  readonly path: string;
  private readonly pidFile: string;
  private started?: NetnsThread;

  private constructor(
    execRoot: string,
    private readonly o: { tool: RootlessNetwork; binary: string; logger: Logger },
  ) {
    this.path = join(execRoot, 'rootless-netns');
    this.pidFile = join(execRoot, 'rootless-netns.link.pid');
  }

  /** The thread that works inside the namespace, started with the first container that needs it. */
  private get thread(): NetnsThread {
    this.started ??= new NetnsThread(this.path);
    return this.started;
  }

  // NetnsCalls for the bridge driver: containers' namespaces and DNS sockets, from inside.
  create(path: string): void {
    this.thread.create(path);
  }

  remove(path: string): void {
    this.thread.remove(path);
  }

  bindSocket(path: string, protocol: 'tcp' | 'udp', address: string, port: number): number {
    return this.thread.bindSocket(path, protocol, address, port);
  }

  /** The namespace with its link up: the one an earlier berthd left, else a new one. */
  static async open(o: {
    execRoot: string;
    tool: RootlessNetwork;
    binary: string;
    logger: Logger;
  }): Promise<RootlessNetns> {
    const netns = new RootlessNetns(o.execRoot, o);
    if (!netns.alive()) await netns.make();
    return netns;
  }

  /** `file args…` run inside the namespace (nsenter: a child may enter it, berthd's thread may not leave). */
  command(file: string, args: string[]): [string, string[]] {
    // nft and ip live in sbin, which a user's PATH may lack.
    const program = file.includes('/')
      ? file
      : (systemDirs.map((d) => join(d, file)).find(existsSync) ?? file);
    return ['nsenter', [`--net=${this.path}`, '--', program, ...args]];
  }

  /** The link's pid, if it runs (checked by name: pids are reused). */
  private linkPid(): number | undefined {
    try {
      const pid = Number(readFileSync(this.pidFile, 'utf8').trim());
      const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      return /^(pasta|passt|slirp4netns)/.test(comm) ? pid : undefined; // pasta.avx2 on Debian
    } catch {
      return undefined;
    }
  }

  /**
   * Still pinned (a mount of a namespace, kept by the keeper while berthd was away) and served by
   * its link, which was started for this path. The link's /proc/<pid>/ns/net is not readable (pasta
   * makes itself non-dumpable), its command line is.
   */
  private alive(): boolean {
    const pid = this.linkPid();
    if (pid === undefined) return false;
    try {
      const pinned = readFileSync('/proc/self/mountinfo', 'utf8')
        .split('\n')
        .some((line) => line.split(' ')[4] === this.path && / - nsfs /.test(line));
      return pinned && readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(this.path);
    } catch {
      return false;
    }
  }

  private async make(): Promise<void> {
    const stale = this.linkPid();
    if (stale !== undefined) process.kill(stale, 'SIGTERM');
    rmSync(this.pidFile, { force: true });
    if (existsSync(this.path)) linuxNetnsCalls.remove(this.path);
    // Made by a child (unshare --net=): berthd's threads stay where they are.
    closeSync(openSync(this.path, 'wx', 0o444));
    try {
      await run('unshare', [`--net=${this.path}`, 'true']);
      await (this.o.tool === 'pasta' ? this.startPasta() : this.startSlirp());
      const [ip, args] = this.command('ip', ['link', 'set', 'lo', 'up']);
      await run(ip, args);
    } catch (err) {
      const pid = this.linkPid();
      if (pid !== undefined) process.kill(pid, 'SIGTERM');
      linuxNetnsCalls.remove(this.path);
      throw new Error(
        `cannot set up rootless berthd's network namespace through ${this.o.tool}: ${(err as Error).message}`,
      );
    }
    this.o.logger.info(`rootless containers reach out through ${this.o.tool}`, { netns: this.path });
  }

  private async startPasta(): Promise<void> {
    // pasta sets the namespace up, then detaches (its first process exits 0): ready.
    await run(this.o.binary, pastaArgs(this.path, this.pidFile));
    if (this.linkPid() === undefined) throw new Error('pasta exited without leaving its process behind');
  }

  private startSlirp(): Promise<void> {
    // Detached, so that it outlives berthd like pasta; it says on fd 3 when the namespace is up.
    // Its messages go to a file (a pipe would break once berthd is gone).
    const logFile = `${this.pidFile.replace(/\.pid$/, '')}.log`;
    const log = openSync(logFile, 'w', 0o600);
    const child = spawn(this.o.binary, slirpArgs(this.path), {
      detached: true,
      stdio: ['ignore', 'ignore', log, 'pipe'],
    });
    closeSync(log);
    return new Promise((resolve, reject) => {
      const ready = child.stdio[3] as NodeJS.ReadableStream & { destroy(): void };
      ready.once('data', () => {
        writeFileSync(this.pidFile, `${child.pid}\n`);
        ready.destroy();
        child.removeAllListeners('exit');
        child.unref();
        resolve();
      });
      child.once('error', (err) => reject(new Error(`cannot run slirp4netns: ${err.message}`)));
      child.once('exit', (code) => {
        const why = existsSync(logFile) ? readFileSync(logFile, 'utf8').trim() : '';
        reject(new Error(`slirp4netns exited (${code}) before it was ready: ${why}`));
      });
    });
  }

  /** A TCP socket in the namespace, to reach a container's address (port-proxy.ts). */
  tcpSocket(): number {
    return this.thread.openSocket('tcp');
  }

  /** A UDP socket in the namespace, bound to a port of its own. */
  udpSocket(): number {
    return this.thread.bindSocket(this.path, 'udp', '0.0.0.0', 0);
  }
}
