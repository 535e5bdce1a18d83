// Child processes the e2e driver starts: each in its own process group, its output kept for the
// failure report, and stopped by its own pid only (never by name), so parallel runs don't collide.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createServer } from 'node:net';

import type { LogBook } from './log-book';

export interface TrackedProcess {
  readonly child: ChildProcess;
  readonly name: string;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** Resolves when a line of output matches, rejects if the process exits first. */
  waitForLine(pattern: RegExp): Promise<RegExpMatchArray>;
  /** SIGTERM to the process group, SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
}

export function startTracked(
  name: string,
  command: string,
  args: string[],
  options: SpawnOptions,
  log: LogBook,
): TrackedProcess {
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const lineWaiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  let exitCode: number | string | undefined;
  const exitWaiters: (() => void)[] = [];

  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      exitCode = code ?? signal ?? 'unknown';
      log.add(name, `exited with ${exitCode}`);
      resolve(exitCode);
      for (const notify of exitWaiters.splice(0)) notify();
    });
    child.on('error', (err) => {
      exitCode = `spawn error: ${err.message}`;
      log.add(name, `could not start ${command}: ${err.message}`);
      resolve(exitCode);
      for (const notify of exitWaiters.splice(0)) notify();
    });
  });

  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      log.add(name, line);
      for (let i = lineWaiters.length - 1; i >= 0; i--) {
        const match = line.match(lineWaiters[i].pattern);
        if (match) lineWaiters.splice(i, 1)[0].resolve(match);
      }
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);

  return {
    child,
    name,
    exited,
    waitForLine(pattern) {
      return new Promise((resolve, reject) => {
        if (exitCode !== undefined)
          return reject(new Error(`${name} exited (${exitCode}) before printing ${pattern}`));
        lineWaiters.push({ pattern, resolve });
        exitWaiters.push(() => reject(new Error(`${name} exited (${exitCode}) before printing ${pattern}`)));
      });
    },
    async stop(graceMs = 5000) {
      if (exitCode !== undefined || child.pid === undefined) return;
      signalGroup(child.pid, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      // The leader is gone; members of its group that ignored SIGTERM (code-server's extension host,
      // the language server it started) must not outlive the run.
      signalGroup(child.pid, 'SIGKILL');
    },
  };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** Rejects with `message` after `ms`, unless the returned `cancel` is called first. */
export function deadline(ms: number, message: string): { promise: Promise<never>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/** A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it, so parallel runs differ). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
