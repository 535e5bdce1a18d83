// The bytes of attach, exec and logs as the Engine API sends them: without a TTY, frames of an
// 8-byte header (stream 0/1/2, three zero bytes, big-endian length) then the payload; with a TTY,
// the raw terminal stream.
import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import type { CliContext } from '../commands/command';
import { DaemonError, errorMessage, type DaemonApi, type Query } from './client';

/** Splits multiplexed frames into stdout and stderr as they arrive. */
export function demultiplex(source: Readable, stdout: Writable, stderr: Writable): Promise<void> {
  let pending: Buffer = Buffer.alloc(0);
  return new Promise((resolve, reject) => {
    source.on('data', (chunk: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= 8) {
        const size = pending.readUInt32BE(4);
        if (pending.length < 8 + size) break;
        const payload = pending.subarray(8, 8 + size);
        (pending[0] === 2 ? stderr : stdout).write(payload);
        pending = pending.subarray(8 + size);
      }
    });
    source.on('end', resolve);
    source.on('close', resolve);
    source.on('error', reject);
  });
}

/**
 * Pumps a hijacked attach/exec connection: output to the terminal (demultiplexed unless `tty`),
 * and, with `stdin`, the user's input to the container (raw mode on a terminal, so ^C and the
 * arrow keys reach the process). Settles when the container side closes.
 */
export async function pumpHijacked(
  socket: Socket,
  ctx: Pick<CliContext, 'stdin' | 'stdout' | 'stderr'>,
  options: { tty: boolean; stdin: boolean },
): Promise<void> {
  const input = ctx.stdin as Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => void };
  const raw = options.stdin && options.tty && input.isTTY === true && typeof input.setRawMode === 'function';
  if (raw) input.setRawMode!(true);
  const onInput = (chunk: Buffer): void => {
    socket.write(chunk);
  };
  const onInputEnd = (): void => {
    // Half-close: the process sees end of file, its output still comes back.
    if (!socket.destroyed) socket.end();
  };
  if (options.stdin) {
    input.on('data', onInput);
    input.once('end', onInputEnd);
    input.resume();
  }
  try {
    if (options.tty) {
      await new Promise<void>((resolve, reject) => {
        socket.on('data', (c: Buffer) => ctx.stdout.write(c));
        socket.on('end', resolve);
        socket.on('close', resolve);
        socket.on('error', reject);
      });
    } else {
      await demultiplex(socket, ctx.stdout, ctx.stderr);
    }
  } finally {
    if (options.stdin) {
      input.off('data', onInput);
      input.off('end', onInputEnd);
      input.pause();
    }
    if (raw) input.setRawMode!(false);
    socket.destroy();
  }
}

/** The objects of a newline-delimited JSON body (events, stats, progress), as they arrive. */
export async function* jsonLines<T>(body: Readable): AsyncGenerator<T> {
  let pending = '';
  for await (const chunk of body) {
    pending += String(chunk);
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      if (line) yield JSON.parse(line) as T;
    }
  }
  if (pending.trim()) yield JSON.parse(pending) as T;
}

/** A streamed GET (events, live stats): its objects, or the daemon's error when it refuses. */
export async function* streamJson<T>(daemon: DaemonApi, path: string, query?: Query): AsyncGenerator<T> {
  const res = await daemon.raw('GET', path, query);
  try {
    if (res.status >= 400) {
      let text = '';
      for await (const chunk of res.body) text += String(chunk);
      throw new DaemonError(res.status, errorMessage(text) || `status ${res.status}`);
    }
    yield* jsonLines<T>(res.body);
  } finally {
    // A consumer that stops early (Ctrl-C, a container gone) closes the connection.
    res.body.destroy();
  }
}
