// Unpacking layers on a worker thread, so that a pull uses more than one core: the main thread
// downloads, hashes and stores the compressed blobs while the worker decompresses them, hashes the
// tars (their diff IDs) and makes the files. The worker runs the very same unpackLayer (the same
// checks against hostile archives, into the same private temp dir); this module only moves bytes to
// it, with flow control, and results or errors back.
//
// One worker per process serves every layer, several at once: starting a thread costs ~55 ms of CPU
// here (Node's own modules are compiled again in each), more than the work it takes off a 2-core
// machine's main thread when started per layer. It is unref'd while idle, so it never keeps a
// process alive, and stopped once idle for a while: a long-lived process (berthd) would otherwise
// keep its isolate, heap and buffers resident (~8 MiB after 200 MB pulls) for good.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Worker } from 'node:worker_threads';
import type { LayerCompression } from '../../oci/media-types';
import { type UnpackOptions, type UnpackResult, UnsafeLayerError } from './unpack';
import type { WhiteoutFormat } from './whiteouts';

export interface UnpackJobInput {
  dest: string;
  compression: LayerCompression;
  asRoot: boolean;
  whiteouts: WhiteoutFormat;
}

/** Messages to the worker, per job: start, compressed chunks (transferred), then end or cancel. */
export type UnpackThreadRequest =
  | { type: 'start'; job: number; input: UnpackJobInput; collectWhenIdle: boolean }
  | { type: 'chunk'; job: number; chunk: Uint8Array }
  | { type: 'end'; job: number }
  | { type: 'cancel'; job: number };

/** Messages from the worker; `done` or `error` is a job's last, sent once it stopped writing. */
export type UnpackThreadMessage = { job: number } & (
  | { type: 'ack'; bytes: number }
  | { type: 'bytes'; total: number }
  | { type: 'warning'; message: string }
  | { type: 'done'; result: UnpackResult }
  | { type: 'error'; error: { name: string; message: string; code?: string } }
);

/** Compressed bytes per job sent and not yet taken by the worker's decompressor: bounds memory. */
const windowBytes = 8 << 20;
/** Bytes per message to the worker. */
const batchBytes = 1 << 20;

/**
 * The worker's script: next to this module in tsc's output (out/engine/src/store/layers/), and next
 * to the bundles that inline this module in dist/ (esbuild.mjs emits it there).
 */
const workerScript = join(__dirname, 'unpack-worker.js');

/** Layers this big (compressed) or bigger go to the worker; smaller ones are not worth the hop. */
export const workerThresholdBytes = 8 << 20;

/**
 * How long the worker outlives its last job. Pulls in a row share it (a fresh one costs its start
 * and a cold JIT: ~0.1 s of CPU more per 200 MB pull, measured through berthd); an idle berthd
 * gets its memory back.
 */
let idleStopMs = 30_000;

let onStopped: (() => void) | undefined;

/**
 * Whether the worker collects its garbage when its last job ends: only for a process that lives on
 * after its pulls (berthd, which asks through whenUnpackThreadStops). A CLI exits instead, and the
 * collection needs V8's --expose-gc set at run time, which changes the flags V8 checks a code cache
 * against: bin/berth's cache written after a big pull was refused at every next start (~30 ms).
 */
let collectWhenIdle = false;

/**
 * `listener` is called each time the worker has stopped after `idleMs` without a job (berthd then
 * hands the memory it freed back to the kernel); the worker also collects its garbage when idle.
 */
export function whenUnpackThreadStops(listener: () => void, idleMs = idleStopMs): void {
  onStopped = listener;
  idleStopMs = idleMs;
  collectWhenIdle = true;
}

export function unpackWorkerAvailable(): boolean {
  return existsSync(workerScript);
}

interface Job {
  onMessage(m: UnpackThreadMessage): void;
  fail(err: Error): void;
}

class UnpackThread {
  private worker: Worker | undefined;
  private readonly jobs = new Map<number, Job>();
  private nextJob = 1;
  private idleTimer: NodeJS.Timeout | undefined;

  private start(): Worker {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (this.worker) return this.worker;
    // Loaded on first use: most CLI commands (and small pulls) never start the thread.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Worker } = require('node:worker_threads') as typeof import('node:worker_threads');
    const worker = new Worker(workerScript);
    const crashed = (err: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      for (const job of this.jobs.values()) job.fail(err);
      this.jobs.clear();
    };
    worker.on('message', (m: UnpackThreadMessage) => this.jobs.get(m.job)?.onMessage(m));
    worker.on('error', crashed);
    worker.on('exit', (code) => crashed(new Error(`the layer unpack thread stopped (exit ${code})`)));
    this.worker = worker;
    return worker;
  }

  async unpack(
    source: Readable,
    input: UnpackJobInput,
    options: Pick<UnpackOptions, 'onBytes' | 'onWarning'>,
  ): Promise<UnpackResult> {
    const worker = this.start();
    worker.ref();
    const job = this.nextJob++;
    let outcome: { result: UnpackResult } | { error: Error } | undefined;
    let sent = 0;
    let acked = 0;
    let wake: (() => void) | undefined;
    const settled = new Promise<void>((resolve) => {
      const finish = (o: NonNullable<typeof outcome>) => {
        outcome = o;
        this.jobs.delete(job);
        wake?.();
        resolve();
      };
      this.jobs.set(job, {
        onMessage: (m) => {
          if (m.type === 'ack') {
            acked += m.bytes;
            wake?.();
          } else if (m.type === 'bytes') options.onBytes?.(m.total);
          else if (m.type === 'warning') options.onWarning?.(m.message);
          else if (m.type === 'done') finish({ result: m.result });
          else finish({ error: workerError(m.error) });
        },
        fail: (error) => finish({ error }),
      });
    });
    const post = (m: UnpackThreadRequest, transfer: ArrayBuffer[] = []) => worker.postMessage(m, transfer);
    post({ type: 'start', job, input, collectWhenIdle });
    let sourceError: unknown;
    try {
      // Network chunks (64 KiB) are gathered into batches: one message per batch, not per chunk.
      // Each batch is a fresh buffer, transferred (not copied again) to the worker; allocated
      // without zero-filling, since the chunks overwrite every byte sent (perf: the zero-fill was
      // ~15 ms of the main thread's CPU per 100 MB).
      let batch: Uint8Array | undefined;
      let filled = 0;
      const flush = async () => {
        if (!batch || filled === 0) return;
        post({ type: 'chunk', job, chunk: batch.subarray(0, filled) }, [batch.buffer as ArrayBuffer]);
        sent += filled;
        batch = undefined;
        filled = 0;
        while (sent - acked > windowBytes && !outcome) await new Promise<void>((r) => (wake = r));
      };
      for await (const chunk of source as AsyncIterable<Uint8Array>) {
        if (outcome) break; // the worker gave up (a hostile entry): stop reading
        for (let off = 0; off < chunk.length;) {
          batch ??= Buffer.allocUnsafeSlow(batchBytes);
          const n = Math.min(chunk.length - off, batchBytes - filled);
          batch.set(chunk.subarray(off, off + n), filled);
          filled += n;
          off += n;
          if (filled === batchBytes) await flush();
        }
      }
      if (!outcome) await flush();
    } catch (err) {
      sourceError = err;
    }
    if (!outcome) post({ type: sourceError ? 'cancel' : 'end', job });
    // Wait for the worker's last word on this job: after it, nothing writes into dest any more.
    await settled;
    if (this.jobs.size === 0) this.idle();
    if (sourceError) throw sourceError;
    const o = outcome as unknown as { result: UnpackResult } | { error: Error };
    if ('error' in o) {
      source.destroy();
      throw o.error;
    }
    return o.result;
  }

  /** No job left: the worker no longer holds the process open, and stops unless a job comes soon. */
  private idle(): void {
    const worker = this.worker;
    if (!worker) return;
    worker.unref();
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.worker !== worker || this.jobs.size > 0) return;
      this.worker = undefined; // its exit is no crash: no job waits on it
      void worker.terminate().then(() => onStopped?.());
    }, idleStopMs).unref();
  }
}

const thread = new UnpackThread();

/** unpackLayer on the shared worker thread (which always makes the real Linux file calls). */
export function unpackLayerInWorker(
  source: Readable,
  compression: LayerCompression,
  dest: string,
  options: Omit<UnpackOptions, 'calls'>,
): Promise<UnpackResult> {
  return thread.unpack(
    source,
    { dest, compression, asRoot: options.asRoot, whiteouts: options.whiteouts },
    options,
  );
}

/** The worker's error as this thread's: same name, message and code (UnsafeLayerError keeps its class). */
function workerError(e: { name: string; message: string; code?: string }): Error {
  const err: Error & { code?: string } =
    e.name === 'UnsafeLayerError' ? new UnsafeLayerError('', '') : new Error();
  err.message = e.message;
  err.name = e.name;
  if (e.code) err.code = e.code;
  return err;
}
