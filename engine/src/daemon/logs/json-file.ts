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

/** Appends log lines, one write per entry, rotating by size. Errors never reach the container. */
export class JsonFileWriter {
  private fd: number;
  private size: number;
  private readonly partial: Record<LogStream, Buffer> = { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) };
  /** Entries dropped because the disk was full (reported by the owner). */
  dropped = 0;

  constructor(
    readonly path: string,
    private readonly rotation: LogRotation,
    private readonly onError: (err: Error) => void = () => {},
  ) {
    this.fd = openSync(path, 'a', 0o640);
    this.size = fstatSync(this.fd).size;
  }

  /** Raw output from the process; complete lines become entries, the rest waits for more. */
  write(stream: LogStream, data: Buffer): void {
    let buf = this.partial[stream].length ? Buffer.concat([this.partial[stream], data]) : data;
    let nl: number;
    while ((nl = buf.indexOf(10)) >= 0 || buf.length >= maxLineBytes) {
      const end = nl >= 0 && nl < maxLineBytes ? nl + 1 : maxLineBytes;
      this.append(stream, buf.subarray(0, end));
      buf = buf.subarray(end);
    }
    this.partial[stream] = Buffer.from(buf);
  }

  /** Writes what is left of unterminated lines (process exit). */
  flush(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partial[stream].length) this.append(stream, this.partial[stream]);
      this.partial[stream] = Buffer.alloc(0);
    }
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private append(stream: LogStream, chunk: Buffer): void {
    const line: JsonLogLine = { log: chunk.toString('utf8'), stream, time: nowRfc3339Nano() };
    const bytes = Buffer.from(JSON.stringify(line) + '\n');
    try {
      if (this.rotation.maxSize > 0 && this.size > 0 && this.size + bytes.length > this.rotation.maxSize) {
        this.rotate();
      }
      let off = 0;
      while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off);
      this.size += bytes.length;
    } catch (err) {
      // Disk full or similar: drop this entry, cut any partial line so the file stays parseable.
      this.dropped++;
      try {
        ftruncateSync(this.fd, this.size);
      } catch {
        // the file is unusable; the next append will fail the same way and be counted
      }
      this.onError(err as Error);
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
