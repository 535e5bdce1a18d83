// The worker thread of unpack-thread.ts: runs unpackLayer for each job it is sent (several at once),
// fed with the job's compressed chunks, and reports progress, warnings and the result or error.
import { PassThrough } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort } from 'node:worker_threads';
import type { FileCalls } from '../../runtime/linux/fs';
import { unpackLayer } from './unpack';
import type { UnpackJobInput, UnpackThreadMessage, UnpackThreadRequest } from './unpack-thread';

const port = parentPort!;
const post = (m: UnpackThreadMessage) => port.postMessage(m);

// koffi (behind FileCalls) is loaded only when a layer needs it: whiteouts, xattrs, devices.
let linux: FileCalls | undefined;
const real = (): FileCalls =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (linux ??= (require('../../runtime/linux/fs') as typeof import('../../runtime/linux/fs')).linuxFileCalls);
const calls: FileCalls = {
  mknod: (...a) => real().mknod(...a),
  lsetxattr: (...a) => real().lsetxattr(...a),
  lgetxattr: (...a) => real().lgetxattr(...a),
  llistxattr: (...a) => real().llistxattr(...a),
  syncfs: (...a) => real().syncfs(...a),
};

interface Job {
  source: PassThrough;
  /** Bytes taken while the source was full, acknowledged when it drains. */
  unacked: number;
}

const jobs = new Map<number, Job>();

let collect: (() => void) | undefined;
/** As the last job started asked (see collectWhenIdle in unpack-thread.ts). */
let collectWhenIdle = false;

/**
 * With no job left, this thread's garbage (the inflated 1 MiB chunks, the batches it was sent) is
 * collected now rather than at its next allocation, which may never come: its Buffers' memory goes
 * back to malloc, and berthd's idle task returns it to the kernel (~80 MiB resident otherwise, for as
 * long as the idle thread lives). Twice: V8 frees dead Buffers on a job the next collection awaits.
 */
function collectIfIdle(): void {
  if (jobs.size > 0 || !collectWhenIdle) return;
  if (!collect) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
  collect();
}

function start(job: number, input: UnpackJobInput): void {
  // Bytes are acknowledged once the decompressor's input buffer took them, so the sender never
  // has more than its window in flight.
  const state: Job = { source: new PassThrough({ highWaterMark: 1 << 20 }), unacked: 0 };
  jobs.set(job, state);
  state.source.on('drain', () => {
    if (state.unacked > 0) post({ job, type: 'ack', bytes: state.unacked });
    state.unacked = 0;
  });
  let reported = 0;
  unpackLayer(state.source, input.compression, input.dest, {
    calls,
    asRoot: input.asRoot,
    whiteouts: input.whiteouts,
    onWarning: (message) => post({ job, type: 'warning', message }),
    onBytes: (total) => {
      if (total - reported < 1 << 20) return;
      reported = total;
      post({ job, type: 'bytes', total });
    },
  }).then(
    (result) => {
      jobs.delete(job);
      post({ job, type: 'bytes', total: result.tarSize });
      post({ job, type: 'done', result });
      collectIfIdle();
    },
    (err: Error & { code?: unknown }) => {
      jobs.delete(job);
      const code = typeof err.code === 'string' ? { code: err.code } : {};
      post({ job, type: 'error', error: { name: err.name, message: err.message, ...code } });
      collectIfIdle();
    },
  );
}

port.on('message', (m: UnpackThreadRequest) => {
  if (m.type === 'start') {
    collectWhenIdle = m.collectWhenIdle;
    return start(m.job, m.input);
  }
  const state = jobs.get(m.job);
  if (!state) return; // already finished (it failed before all its bytes came)
  if (m.type === 'chunk') {
    const full = !state.source.write(m.chunk);
    if (full || state.unacked > 0) state.unacked += m.chunk.byteLength;
    else post({ job: m.job, type: 'ack', bytes: m.chunk.byteLength });
  } else if (m.type === 'end') state.source.end();
  else state.source.destroy(new Error('the layer download failed'));
});
