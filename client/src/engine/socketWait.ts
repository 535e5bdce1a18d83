// Waiting for an engine to answer on its socket, or to go away, with a deadline. The waits wake on
// changes in the socket's directory (fs.watch) and re-check at a short interval as a safety net,
// since a watch can miss a socket created in a directory that did not exist yet.
import { watch, type FSWatcher } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';

const RECHECK_MS = 250;

/** True when GET /_ping on the socket answers 200 within `timeoutMs`. */
export function pingSocket(socketPath: string, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ socketPath, path: '/_ping', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/** Resolves on the next change in `dir` (or its nearest existing ancestor), or after RECHECK_MS. */
function nextChangeNear(dir: string, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    let watcher: FSWatcher | undefined;
    let current = dir;
    while (!watcher) {
      try {
        watcher = watch(current, () => done());
      } catch {
        const parent = path.dirname(current);
        if (parent === current) break;
        current = parent;
      }
    }
    const timer = setTimeout(() => done(), RECHECK_MS);
    const onAbort = () => done();
    signal?.addEventListener('abort', onAbort);
    function done() {
      clearTimeout(timer);
      watcher?.close();
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
  });
}

export interface WaitOptions {
  deadlineMs: number;
  /** What is being waited for, for the timeout message. */
  what: string;
  /** Rejects (e.g. when the process that should create the socket exits) to stop waiting early. */
  failure?: Promise<never>;
  signal?: AbortSignal;
}

/** Waits until `check()` is true, re-checking on changes near `socketPath`. */
export async function waitNearSocket(
  socketPath: string,
  check: () => Promise<boolean>,
  options: WaitOptions,
): Promise<void> {
  const end = Date.now() + options.deadlineMs;
  const failure = options.failure ?? new Promise<never>(() => undefined);
  while (!(await Promise.race([check(), failure]))) {
    if (options.signal?.aborted) throw new Error(`cancelled while waiting for ${options.what}`);
    if (Date.now() > end)
      throw new Error(`timed out after ${options.deadlineMs / 1000} s waiting for ${options.what}`);
    await Promise.race([nextChangeNear(path.dirname(socketPath), options.signal), failure]);
  }
}
