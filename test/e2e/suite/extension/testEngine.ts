// The container engines the extension's e2e tests run against, each private (own socket and state
// under a temp dir) and loaded with the busybox test image:
// - `berthd`, Berth's own engine, started the product's way: the extension's Start Engine command with
//   berth.engine.dataRoot/execRoot pointing at the temp dir, stopped with Stop Engine;
// - `dockerd`, Debian's Docker Engine, the reference, started here (the extension only connects).
// BERTH_E2E_ENGINES picks them (comma-separated; default: both).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

import Docker from 'dockerode';

import { pingSocket, waitNearSocket } from '../../../../client/src/engine/socketWait';
import { makeBusyboxLayout, skopeoEnv } from '../../../helpers/busybox-image';
import { haveBusybox } from '../../../helpers/busybox-rootfs';
import { EXTENSION_ID } from '../helpers';

export type EngineKind = 'berthd' | 'dockerd';

export interface TestEngine {
  readonly kind: EngineKind;
  readonly socketPath: string;
  readonly docker: Docker;
  /** The test image, loaded: `busybox:latest`. */
  readonly image: string;
  /** Why this engine cannot build images yet, or undefined when it can. */
  readonly cannotBuild: string | undefined;
  /** Why a terminal attached to a container's TTY would not work on this engine, if it would not. */
  readonly cannotAttach: string | undefined;
  /**
   * Stops the engine's daemon behind the extension's back (SIGTERM), resolves once it has exited,
   * and returns a function that starts it again the same way, on the same socket and state.
   */
  kill(): Promise<() => Promise<void>>;
  stop(): Promise<void>;
}

const global = vscode.ConfigurationTarget.Global;

export function enginesUnderTest(): EngineKind[] {
  const listed = (process.env.BERTH_E2E_ENGINES || 'berthd,dockerd').split(',').map((e) => e.trim());
  return listed.filter((e): e is EngineKind => e === 'berthd' || e === 'dockerd');
}

function bundledBerthd(): string {
  return path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'bin', 'berthd');
}

/** Why the engine tests cannot run here, or undefined when they can. */
export function whyNoEngine(kind: EngineKind): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (the engine runs containers)';
  if (!haveBusybox()) return 'needs busybox-static for the test image (run .ci/setup)';
  if (kind === 'dockerd' && !existsSync('/usr/sbin/dockerd'))
    return 'needs dockerd (apt-get install docker.io)';
  if (kind === 'berthd' && !existsSync(bundledBerthd()))
    return `needs the bundled engine at ${bundledBerthd()}`;
  return undefined;
}

export async function startTestEngine(kind: EngineKind): Promise<TestEngine> {
  // Short path: Unix socket paths are limited to 107 bytes.
  const dir = mkdtempSync('/tmp/bx-e2e-');
  try {
    const started = kind === 'berthd' ? await startBundledBerthd(dir) : await startDockerd(dir);
    const docker = new Docker({ socketPath: started.socketPath });
    await loadBusybox(docker, dir);
    return {
      kind,
      ...started,
      docker,
      image: 'busybox:latest',
      cannotBuild: await whyCannotBuild(docker, dir),
      cannotAttach: await whyCannotAttach(docker),
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** The product path: the extension starts its bundled berthd (Start Engine) in `dir`. */
async function startBundledBerthd(dir: string): Promise<{
  socketPath: string;
  kill(): Promise<() => Promise<void>>;
  stop(): Promise<void>;
}> {
  const execRoot = path.join(dir, 'exec');
  const engine = vscode.workspace.getConfiguration('berth.engine');
  await engine.update('socket', undefined, global);
  await engine.update('dataRoot', path.join(dir, 'data'), global);
  await engine.update('execRoot', execRoot, global);
  await vscode.commands.executeCommand('berth.engine.start');
  const socketPath = path.join(execRoot, 'berth.sock');
  if (!(await pingSocket(socketPath)))
    throw new Error(`Start Engine did not bring berthd up on ${socketPath}`);
  const pidFile = path.join(execRoot, 'berthd.pid');
  const args = [
    '--host',
    `unix://${socketPath}`,
    '--data-root',
    path.join(dir, 'data'),
    '--exec-root',
    execRoot,
    '--pidfile',
    pidFile,
  ];
  return {
    socketPath,
    kill: async () => {
      await terminate(Number(readFileSync(pidFile, 'utf8')), socketPath);
      return async () => {
        const child = spawn(process.execPath, [bundledBerthd(), ...args], {
          detached: true,
          stdio: 'ignore',
          env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
        });
        child.unref();
        await waitNearSocket(socketPath, () => pingSocket(socketPath), {
          deadlineMs: 30_000,
          what: `berthd on ${socketPath}`,
        });
      };
    },
    stop: async () => {
      const pid = Number(readFileSync(pidFile, 'utf8'));
      // berthd leaves containers running when it stops (by design): remove what the tests left.
      const docker = new Docker({ socketPath });
      for (const c of await docker.listContainers({ all: true }))
        await docker.getContainer(c.Id).remove({ force: true });
      await vscode.commands.executeCommand('berth.engine.stop');
      if (isAlive(pid)) {
        process.kill(pid, 'SIGKILL');
        throw new Error(`Stop Engine left berthd (pid ${pid}) running; killed it`);
      }
      await engine.update('dataRoot', undefined, global);
      await engine.update('execRoot', undefined, global);
      // Processes of removed containers may still be finishing their last writes.
      rmSync(dir, { recursive: true, force: true, maxRetries: 20 });
    },
  };
}

/** SIGTERM to `pid`; resolves once it has exited (checked near its socket, with a deadline). */
async function terminate(pid: number, socketPath: string): Promise<void> {
  process.kill(pid, 'SIGTERM');
  await waitNearSocket(socketPath, async () => !isAlive(pid), {
    deadlineMs: 30_000,
    what: `pid ${pid} to exit`,
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** The reference: Debian's dockerd on a private socket; the extension connects through berth.engine.socket. */
async function startDockerd(dir: string): Promise<{
  socketPath: string;
  kill(): Promise<() => Promise<void>>;
  stop(): Promise<void>;
}> {
  const socketPath = path.join(dir, 'engine.sock');
  const args = [
    '-H',
    `unix://${socketPath}`,
    '--data-root',
    path.join(dir, 'data'),
    '--exec-root',
    path.join(dir, 'exec'),
    '--pidfile',
    path.join(dir, 'engine.pid'),
    // No iptables or bridge: the tests need neither, and they must not touch the host's firewall.
    '--iptables=false',
    '--ip-masq=false',
    '--bridge=none',
    '--storage-driver=overlay2',
  ];
  let daemon = await spawnDockerd(args, socketPath);
  const stop = async () => {
    await vscode.workspace.getConfiguration('berth.engine').update('socket', undefined, global);
    await daemon.stop();
    rmSync(dir, { recursive: true, force: true, maxRetries: 20 });
  };
  try {
    await vscode.workspace.getConfiguration('berth.engine').update('socket', socketPath, global);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    socketPath,
    kill: async () => {
      await daemon.stop();
      return async () => {
        daemon = await spawnDockerd(args, socketPath);
      };
    },
    stop,
  };
}

async function spawnDockerd(args: string[], socketPath: string): Promise<{ stop(): Promise<void> }> {
  const child: ChildProcess = spawn('/usr/sbin/dockerd', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const failure = exited.then((code): never => {
    throw new Error(`dockerd exited (${code}) before answering: ${output.join('').slice(-2000)}`);
  });
  failure.catch(() => undefined);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  };
  try {
    await waitNearSocket(socketPath, () => pingSocket(socketPath), {
      deadlineMs: 30_000,
      what: `dockerd on ${socketPath}`,
      failure,
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { stop };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString();
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
  const body = await readAll((await docker.loadImage(createReadStream(archive))) as NodeJS.ReadableStream);
  if (/"error"/.test(body)) throw new Error(`loading busybox failed: ${body}`);
  rmSync(archive, { force: true });
  rmSync(layout.layoutDir, { recursive: true, force: true });
}

/**
 * Asks the engine to build a one-line Dockerfile. An engine that says it has no builder (yet) makes
 * the build tests skip, naming its answer; any other failure fails the run.
 */
async function whyCannotBuild(docker: Docker, dir: string): Promise<string | undefined> {
  const context = path.join(dir, 'probe');
  mkdirSync(context);
  writeFileSync(path.join(context, 'Dockerfile'), 'FROM busybox:latest\n');
  let answer: string;
  let status: number | undefined;
  try {
    const stream = (await docker.buildImage(
      { context, src: ['Dockerfile'] },
      { t: 'berth-e2e-probe:latest' },
    )) as NodeJS.ReadableStream;
    answer = /"error"\s*:\s*"([^"]*)"/.exec(await readAll(stream))?.[1] ?? '';
  } catch (err) {
    status = (err as { statusCode?: number }).statusCode;
    answer = (err as { json?: { message?: string } }).json?.message ?? (err as Error).message;
  }
  if (!answer) {
    await docker.getImage('berth-e2e-probe:latest').remove();
    return undefined;
  }
  if (status === 501 || /not (available|implemented|supported)/i.test(answer)) return answer;
  throw new Error(`the engine failed to build FROM busybox:latest: ${answer}`);
}

/**
 * Attaches to `cat` on a TTY as Run Interactive does (dockerode sends the attach options as a JSON
 * body too) and reads what comes back before anything is typed: an engine that takes that body for
 * stdin echoes it. Known in berthd (reported); the Run Interactive test skips, naming it, until fixed.
 */
async function whyCannotAttach(docker: Docker): Promise<string | undefined> {
  const container = await docker.createContainer({
    Image: 'busybox:latest',
    Cmd: ['cat'],
    Tty: true,
    OpenStdin: true,
  });
  try {
    const stream = (await container.attach({
      stream: true,
      stdin: true,
      stdout: true,
      stderr: true,
      hijack: true,
    })) as NodeJS.ReadWriteStream & {
      end(): void;
    };
    let seen = '';
    stream.on('data', (d: Buffer) => (seen += d.toString()));
    await container.start();
    // `cat` on a TTY echoes a line back: type one and wait for it (with whatever came before).
    stream.write('probe-line\r');
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`attach probe: no echo within 15 s, got ${JSON.stringify(seen)}`)),
        15_000,
      );
      stream.on('data', () => {
        if (seen.includes('probe-line')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    stream.end();
    return seen.includes('"hijack"')
      ? `it reads the attach request's JSON body as stdin (got ${JSON.stringify(seen.slice(0, 80))})`
      : undefined;
  } finally {
    await container.remove({ force: true });
  }
}
