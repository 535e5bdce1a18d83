// A private container engine for the extension's e2e tests, on its own socket with its own state
// under a temp dir, loaded with the busybox test image. BERTH_E2E_ENGINE picks it: `dockerd` (Debian's
// Docker Engine, the reference) or `berthd` (Berth's own engine, the product path).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as path from 'node:path';

import Docker from 'dockerode';

import { pingSocket, waitNearSocket } from '../../../../client/src/engine/socketWait';
import { makeBusyboxLayout, skopeoEnv } from '../../../helpers/busybox-image';
import { haveBusybox } from '../../../helpers/busybox-rootfs';

export type EngineKind = 'dockerd' | 'berthd';

export interface TestEngine {
  readonly kind: EngineKind;
  readonly socketPath: string;
  readonly docker: Docker;
  /** The test image, loaded: `busybox:latest`. */
  readonly image: string;
  stop(): Promise<void>;
}

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..', '..');

export function engineKind(): EngineKind {
  return process.env.BERTH_E2E_ENGINE === 'berthd' ? 'berthd' : 'dockerd';
}

/** Why the engine tests cannot run here, or undefined when they can. */
export function whyNoEngine(kind: EngineKind): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (the engine runs containers)';
  if (!haveBusybox()) return 'needs busybox-static for the test image (run .ci/setup)';
  if (kind === 'dockerd' && !existsSync('/usr/sbin/dockerd'))
    return 'needs dockerd (apt-get install docker.io)';
  if (kind === 'berthd' && !existsSync(path.join(repoRoot, 'bin', 'berthd'))) return 'needs bin/berthd';
  return undefined;
}

function engineCommand(kind: EngineKind, dir: string, socketPath: string): [string, string[]] {
  const common = [
    '--data-root',
    path.join(dir, 'data'),
    '--exec-root',
    path.join(dir, 'exec'),
    '--pidfile',
    path.join(dir, 'engine.pid'),
  ];
  if (kind === 'berthd')
    return [path.join(repoRoot, 'bin', 'berthd'), ['--host', `unix://${socketPath}`, ...common]];
  // No iptables or bridge: the tests need neither, and they must not touch the host's firewall.
  return [
    '/usr/sbin/dockerd',
    [
      '-H',
      `unix://${socketPath}`,
      ...common,
      '--iptables=false',
      '--ip-masq=false',
      '--bridge=none',
      '--storage-driver=overlay2',
    ],
  ];
}

export async function startTestEngine(kind: EngineKind): Promise<TestEngine> {
  // Short path: Unix socket paths are limited to 107 bytes.
  const dir = mkdtempSync('/tmp/bx-e2e-');
  const socketPath = path.join(dir, 'engine.sock');
  const [command, args] = engineCommand(kind, dir, socketPath);
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const failure = exited.then((code): never => {
    throw new Error(`${kind} exited (${code}) before answering: ${output.join('').slice(-2000)}`);
  });
  failure.catch(() => undefined);
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  };
  try {
    await waitNearSocket(socketPath, () => pingSocket(socketPath), {
      deadlineMs: 30_000,
      what: `${kind} on ${socketPath}`,
      failure,
    });
    const docker = new Docker({ socketPath });
    await loadBusybox(docker, dir);
    return { kind, socketPath, docker, image: 'busybox:latest', stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** busybox:latest from Debian's busybox-static: an OCI layout, turned into a docker-archive by skopeo. */
async function loadBusybox(docker: Docker, dir: string): Promise<void> {
  const layout = makeBusyboxLayout(path.join(dir, 'busybox-layout'));
  const archive = path.join(dir, 'busybox.tar');
  execFileSync(
    'skopeo',
    ['copy', '--quiet', `oci:${layout.layoutDir}:${layout.tag}`, `docker-archive:${archive}:busybox:latest`],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: skopeoEnv(),
    },
  );
  const response = (await docker.loadImage(createReadStream(archive))) as NodeJS.ReadableStream;
  const body = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (c: Buffer) => chunks.push(c));
    response.on('end', () => resolve(Buffer.concat(chunks).toString()));
    response.on('error', reject);
  });
  if (/"error"/.test(body)) throw new Error(`loading busybox failed: ${body}`);
  rmSync(archive, { force: true });
}
