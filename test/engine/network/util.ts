// Helpers for the networking engine tests: waiting on a condition with a deadline, free ports,
// HTTP and UDP from the host, docker commands and busybox httpd in a container.
import * as assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { Cni } from '../../../engine/src/network/cni';
import { bridgeBlocked } from '../../../engine/src/network';
import { daemonTestsBlocked, type RunResult, type TestDaemon } from '../../helpers/berthd';

/** Why these tests cannot run here, or null. */
export function networkTestsBlocked(): string | null {
  return daemonTestsBlocked() ?? bridgeBlocked(new Cni()) ?? null;
}

/** Polls `probe` (every 50 ms) until it answers something; fails naming `what` after `ms`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`${what}: not within ${ms} ms${last ? ` (${String(last)})` : ''}`);
    await new Promise<void>((r) => setTimeout(r, 50));
  }
}

/** A port the kernel says is free right now on `host` (TCP). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Whether a TCP port can be bound on `host` (nothing holds it). */
export function portIsFree(port: number, host = '0.0.0.0'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen({ port, host, exclusive: true }, () => s.close(() => resolve(true)));
  });
}

export function httpGet(host: string, port: number, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, timeout: 3000, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** Sends one datagram and resolves with the first reply (or rejects after `ms`). */
export function udpAsk(host: string, port: number, text: string, ms = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    const timer = setTimeout(() => {
      s.close();
      reject(new Error('no UDP reply'));
    }, ms);
    s.on('message', (m) => {
      clearTimeout(timer);
      s.close();
      resolve(m.toString());
    });
    s.on('error', (err) => {
      clearTimeout(timer);
      s.close();
      reject(err);
    });
    s.send(text, port, host);
  });
}

/** This machine's first non-loopback IPv4 address (traffic to it stays on the machine). */
export function hostAddress(exclude: string[] = []): string | undefined {
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    if (exclude.includes(name)) continue;
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

/** Asserts `docker …` succeeded; answers its stdout. */
export async function ok(d: TestDaemon, args: string[], input?: string): Promise<string> {
  const r: RunResult = await d.docker(args, { input, timeoutMs: 120_000 });
  assert.equal(r.status, 0, `docker ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}

/** A container's address on a network, from docker inspect. */
export async function addressOf(d: TestDaemon, container: string, network: string): Promise<string> {
  const out = await ok(d, [
    'inspect',
    '-f',
    `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`,
    container,
  ]);
  return out.trim();
}

/**
 * Runs busybox httpd serving the container's /etc on port 80 (`GET /hostname` answers its hostname)
 * as a detached container `name`, with `flags` (ports, networks…) before the image, and waits until
 * it serves.
 */
export async function runHttpd(d: TestDaemon, name: string, flags: string[] = []): Promise<void> {
  await ok(d, ['run', '-d', '--name', name, ...flags, 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']);
  await waitInContainer(d, name, 'wget -qO- http://127.0.0.1/hostname');
}

/** Polls `docker exec … sh -c script` until it exits 0 (a server in the container is up). */
export function waitInContainer(d: TestDaemon, container: string, script: string): Promise<string> {
  return waitFor(`"${script}" in ${container}`, async () => {
    const r = await d.docker(['exec', container, 'sh', '-c', script]);
    return r.status === 0 ? r.stdout : undefined;
  });
}
