// The streamed answers shared by routes: newline-delimited JSON (events, stats), JSON progress
// (pull, push, load, build), and a process's stdio over a hijacked connection (attach, exec).
import { asEngineError } from '../../daemon/errors';
import type { ProgressSink, StdioSession } from '../backend';
import type { RouteContext } from '../context';
import {
  defaultDetachKeys,
  DetachWatcher,
  frame,
  multiplexedStreamType,
  parseDetachKeys,
  rawStreamType,
} from '../framing';
import type { JsonMessage } from '../types';
import { invalid } from '../../daemon/errors';

/** Streams each item as one JSON line; headers go out at once so the client knows it is subscribed. */
export async function streamJsonLines(ctx: RouteContext, items: AsyncIterable<unknown>): Promise<void> {
  const out = ctx.stream('application/json');
  try {
    for await (const item of items) {
      if (out.closed) break;
      out.write(JSON.stringify(item) + '\n');
    }
  } finally {
    out.end();
  }
}

/**
 * Runs `work` with a progress sink. The 200 and the stream start with the first message, so an
 * error before any progress (bad reference, unknown image) is still a proper HTTP error; an error
 * after it is reported in-stream as `{"errorDetail":…,"error":…}`, as Docker does.
 */
export async function streamProgress(
  ctx: RouteContext,
  work: (progress: ProgressSink) => Promise<void>,
): Promise<void> {
  let out: ReturnType<RouteContext['stream']> | undefined;
  const send = (message: JsonMessage): void => {
    out ??= ctx.stream('application/json');
    if (!out.closed) out.write(JSON.stringify(message) + '\r\n');
  };
  try {
    await work(send);
  } catch (err) {
    if (!out) throw err;
    const message = asEngineError(err).message;
    send({ errorDetail: { message }, error: message });
  }
  if (!out) ctx.stream('application/json').end();
  else out.end();
}

/**
 * Connects a hijacked connection to a process's stdio: output is framed unless the process has a
 * TTY; input goes to stdin until the detach keys are typed or the client half-closes.
 */
export function pipeStdio(
  ctx: RouteContext,
  session: StdioSession,
  detachKeys: string | undefined,
): Promise<void> {
  let keys: Buffer = defaultDetachKeys;
  if (detachKeys !== undefined && detachKeys !== '') {
    try {
      keys = parseDetachKeys(detachKeys);
    } catch (err) {
      session.detach();
      throw invalid((err as Error).message);
    }
  }
  const conn = ctx.hijack(session.tty ? rawStreamType : multiplexedStreamType);
  session.onOutput(({ stream, data }) => {
    if (conn.destroyed || conn.writableEnded) return;
    conn.write(session.tty ? data : frame(stream, data));
  });
  if (session.stdinOpen) {
    const watcher = new DetachWatcher(keys);
    conn.on('data', (chunk: Buffer) => {
      const data = watcher.filter(chunk);
      if (data.length) session.writeStdin(data);
      if (watcher.detached) {
        session.detach();
        conn.end();
      }
    });
    conn.on('end', () => session.closeStdin());
  } else {
    // Drain whatever the client sends so its half-close is noticed.
    conn.on('data', () => {});
  }
  conn.on('close', () => session.detach());
  conn.on('error', () => session.detach());
  return session.ended.then(() => {
    if (!conn.destroyed) conn.end();
  });
}
