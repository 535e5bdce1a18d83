// The json-file log format, as Docker writes it: one JSON object per line,
// `{"log":"hello\n","stream":"stdout","time":"2024-05-01T10:00:00.123456789Z"}`, in
// `<id>-json.log`, rotated to `.1`, `.2`… when max-size is reached, keeping max-file files.
import {
  closeSync,
  existsSync,
  fstatSync,
  ftruncateSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import type { LogRotation } from '../config';

/** Docker splits a line longer than this into several entries. */
const maxLineBytes = 16 * 1024;

export type LogStream = 'stdout' | 'stderr';

export interface JsonLogLine {
  log: string;
  stream: LogStream;
  time: string;
}

/** Nanosecond RFC 3339 timestamps that keep increasing within one process. */
export function nowRfc3339Nano(): string {
  const ns = process.hrtime.bigint() - hrOrigin + wallOriginNs;
  const seconds = ns / 1_000_000_000n;
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return new Date(Number(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, `.${frac}Z`);
}
const wallOriginNs = BigInt(Date.now()) * 1_000_000n;
const hrOrigin = process.hrtime.bigint();

/** Parses an RFC 3339 time with up to nanoseconds into Unix seconds (float; ns precision lost). */
export function parseLogTime(time: string): number {
  const m = /^(.*?)(\.(\d+))?Z$/.exec(time);
  if (!m) return Date.parse(time) / 1000;
  return Date.parse(`${m[1]}Z`) / 1000 + (m[3] ? Number(`0.${m[3]}`) : 0);
}

export function rotatedPath(path: string, n: number): string {
  return n === 0 ? path : `${path}.${n}`;
}

/** Called around a rotation, so an owner can record where the log stood (see spool.ts). */
export interface RotationHooks {
  beforeRotate(): void;
  afterRotate(): void;
}

/**
 * Appends log lines, one write per entry, rotating by size. A failed write (disk full) throws,
 * leaving the file ending at the last whole entry; what was not written stays in `unwritten`.
 */
export class JsonFileWriter {
  private fd: number;
  private size: number;
  private readonly partial: Record<LogStream, Buffer> = { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) };

  constructor(
    readonly path: string,
    private readonly rotation: LogRotation,
    private readonly hooks?: RotationHooks,
  ) {
    this.fd = openSync(path, 'a', 0o640);
    this.size = fstatSync(this.fd).size;
  }

  /** Raw output from the process; complete lines become entries, the rest waits for more. */
  write(stream: LogStream, data: Buffer): void {
    let buf = this.partial[stream].length ? Buffer.concat([this.partial[stream], data]) : data;
    // Kept current while appending, so a failure leaves exactly the bytes not yet in the file.
    this.partial[stream] = buf;
    let nl: number;
    while ((nl = buf.indexOf(10)) >= 0 || buf.length >= maxLineBytes) {
      const end = nl >= 0 && nl < maxLineBytes ? nl + 1 : maxLineBytes;
      this.append(stream, buf.subarray(0, end));
      buf = buf.subarray(end);
      this.partial[stream] = buf;
    }
    this.partial[stream] = Buffer.from(buf);
  }

  /** Bytes of a stream given to `write` that are not in the file yet (an unterminated line). */
  unwritten(stream: LogStream): number {
    return this.partial[stream].length;
  }

  /** Forgets unterminated lines: their owner feeds them again. */
  discardUnwritten(): void {
    this.partial.stdout = Buffer.alloc(0);
    this.partial.stderr = Buffer.alloc(0);
  }

  /** The live file's identity and length: what a checkpoint records. */
  position(): { inode: number; size: number } {
    return { inode: fstatSync(this.fd).ino, size: this.size };
  }

  /** Writes what is left of unterminated lines (process exit). */
  flush(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partial[stream].length) this.append(stream, this.partial[stream]);
      this.partial[stream] = Buffer.alloc(0);
    }
  }

  close(): void {
    closeSync(this.fd);
  }

  private append(stream: LogStream, chunk: Buffer): void {
    const line: JsonLogLine = { log: chunk.toString('utf8'), stream, time: nowRfc3339Nano() };
    const bytes = Buffer.from(JSON.stringify(line) + '\n');
    if (this.rotation.maxSize > 0 && this.size > 0 && this.size + bytes.length > this.rotation.maxSize) {
      this.hooks?.beforeRotate();
      this.rotate();
      this.hooks?.afterRotate();
    }
    try {
      let off = 0;
      while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off);
      this.size += bytes.length;
    } catch (err) {
      // Cut any partial entry so the file stays parseable.
      try {
        ftruncateSync(this.fd, this.size);
      } catch {
        // the next append fails the same way
      }
      throw err;
    }
  }

  private rotate(): void {
    const { maxFile } = this.rotation;
    closeSync(this.fd);
    if (maxFile <= 1) {
      this.fd = openSync(this.path, 'w', 0o640);
      this.size = 0;
      return;
    }
    rmSync(rotatedPath(this.path, maxFile - 1), { force: true });
    for (let n = maxFile - 2; n >= 0; n--) {
      const from = rotatedPath(this.path, n);
      if (existsSync(from)) renameSync(from, rotatedPath(this.path, n + 1));
    }
    this.fd = openSync(this.path, 'a', 0o640);
    this.size = 0;
  }
}
