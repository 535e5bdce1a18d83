// A real registry for tests: Debian's `docker-registry` (distribution 2.8) on 127.0.0.1 with a free
// port and its config and storage in a temp dir; plain, with htpasswd basic auth, or with token
// auth against a token server the test runs (see token-server.ts). Stopped by PID.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const registryBinary = '/usr/bin/docker-registry';

export function haveRegistry(): boolean {
  return existsSync(registryBinary);
}

export interface TestRegistry {
  /** host:port, e.g. 127.0.0.1:41234 */
  address: string;
  url: string;
  dir: string;
  pid: number;
  stop(): Promise<void>;
}

export interface RegistryOptions {
  /** Require HTTP basic auth with this user (htpasswd, bcrypt — needs apache2-utils). */
  basicAuth?: { username: string; password: string };
  /** Require bearer tokens from a token server; `certFile` is the PEM cert its tokens are signed with. */
  tokenAuth?: { realm: string; service: string; issuer: string; certFile: string };
  /** Serve https only, with a self-signed certificate made here (openssl). */
  tls?: boolean;
  /** Listen on this port (a registry restarted in place); default: a free one. */
  port?: number;
}

/** A port nobody listens on right now (the kernel's pick). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port, or rejects at the deadline. */
export async function waitForPort(port: number, deadlineMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    if (child && child.exitCode !== null)
      throw new Error(`the process exited (${child.exitCode}) before listening on ${port}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline)
      throw new Error(`nothing listened on 127.0.0.1:${port} within ${deadlineMs} ms`);
    // Wait for the child to make progress: the next connect attempt after a short pause.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function startRegistry(options: RegistryOptions = {}): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-registry-'));
  const port = options.port ?? (await freePort());
  const address = `127.0.0.1:${port}`;
  let auth = '';
  if (options.basicAuth) {
    const line = execFileSync('htpasswd', ['-nbB', options.basicAuth.username, options.basicAuth.password], {
      encoding: 'utf8',
    }).trim();
    writeFileSync(join(dir, 'htpasswd'), line + '\n');
    auth = `auth:\n  htpasswd:\n    realm: berth-test\n    path: ${join(dir, 'htpasswd')}\n`;
  } else if (options.tokenAuth) {
    const t = options.tokenAuth;
    auth = `auth:\n  token:\n    realm: ${t.realm}\n    service: ${t.service}\n    issuer: ${t.issuer}\n    rootcertbundle: ${t.certFile}\n`;
  }
  let tls = '';
  if (options.tls) {
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    execFileSync(
      'openssl',
      [
        ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1'],
        ...['-keyout', key, '-out', cert, '-subj', '/CN=berth-test-registry'],
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    tls = `  tls:\n    certificate: ${cert}\n    key: ${key}\n`;
  }
  const config = `version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${join(dir, 'data')}
  delete:
    enabled: true
http:
  addr: ${address}
${tls}${auth}`;
  writeFileSync(join(dir, 'config.yml'), config);
  const child = spawn(registryBinary, ['serve', join(dir, 'config.yml')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    await waitForPort(port, 15_000, child);
  } catch (err) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`docker-registry did not start: ${(err as Error).message}\n${stderr}`);
  }
  const pid = child.pid!;
  return {
    address,
    url: `${options.tls ? 'https' : 'http'}://${address}`,
    dir,
    pid,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        process.kill(pid, 'SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
