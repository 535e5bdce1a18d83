// Container output on its way to the json-file log, kept so that killing berthd at any instant
// loses and repeats nothing. The FIFOs are emptied with splice(2) straight into a spool file per
// stream (a byte is in the pipe or in the spool, never only in berthd's memory); the log writer
// reads the spool, and after each batch a checkpoint (written to a temporary file, then renamed)
// records how far each spool went into whole log entries and how long the log file was then.
// A restarted berthd cuts the log back to the checkpoint and reads the spools on from there.
//
// Spools are trimmed by generation: once a stream's spool has all been read, its unwritten tail
// (an unterminated line) moves to `<stream>.<gen+1>.spool` and the old one goes. A spool newer
// than the checkpoint's generation therefore always starts where the checkpoint left off.
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { spliceToFile } from '../../runtime/linux/splice';
import type { LogRotation } from '../config';
import { JsonFileWriter, type LogStream } from './json-file';

const streams = ['stdout', 'stderr'] as const;
/** How much of a spool one read takes (a checkpoint follows each). */
const batchBytes = 256 * 1024;
/** A spool read this far is replaced by a fresh generation. */
const trimBytes = 256 * 1024;
const checkpointName = 'output.checkpoint';

interface Checkpoint {
  gen: Record<LogStream, number>;
  /** Spool offsets up to which every byte is in a log entry. */
  offset: Record<LogStream, number>;
  log?: { inode: number; size: number };
}

interface SpoolFile {
  gen: number;
  fd: number;
  /** Bytes in the spool (where the next splice writes). */
  end: number;
  /** Bytes given to the log writer. */
  read: number;
  /** Bytes given to attached clients. */
  delivered: number;
}

export interface LogTarget {
  path: string;
  rotation: LogRotation;
}

export class OutputSpool {
  private readonly files: Record<LogStream, SpoolFile>;
  private readonly writer: JsonFileWriter | undefined;

  /** Opens the spools in `dir` (a container's state dir) and repairs the log to the checkpoint. */
  constructor(
    private readonly dir: string,
    log: LogTarget | undefined,
    private readonly deliver: (stream: LogStream, data: Buffer) => void,
  ) {
    const saved = readCheckpoint(dir);
    if (log && saved?.log && existsSync(log.path)) {
      // Entries past the checkpoint came from spool bytes that are read again below.
      const st = statSync(log.path);
      if (st.ino === saved.log.inode && st.size > saved.log.size) truncateSync(log.path, saved.log.size);
    }
    this.files = { stdout: openSpool(dir, 'stdout', saved), stderr: openSpool(dir, 'stderr', saved) };
    this.writer = log
      ? new JsonFileWriter(log.path, log.rotation, {
          beforeRotate: () => this.checkpoint(),
          afterRotate: () => this.checkpoint(),
        })
      : undefined;
    try {
      this.checkpoint();
    } catch {
      // disk full: the checkpoint on disk still matches the log as repaired above
    }
  }

  /** Whether spools in `dir` hold bytes (left by a run that ended while berthd was away). */
  static hasBacklog(dir: string): boolean {
    if (!existsSync(dir)) return false;
    return readdirSync(dir).some((name) => name.endsWith('.spool') && statSync(join(dir, name)).size > 0);
  }

  /**
   * Moves what the FIFO holds into the spool. Returns false at end of file (the process and its
   * children closed the FIFO). Throws when the spool cannot grow (disk full): the rest stays in
   * the pipe, and the process waits for room rather than losing output.
   */
  take(stream: LogStream, fifoFd: number): boolean {
    const f = this.files[stream];
    for (;;) {
      const n = spliceToFile(fifoFd, f.fd, f.end, 1 << 20);
      if (n === 'empty') return true;
      if (n === 0) return false;
      f.end += n;
    }
  }

  /**
   * Feeds new spool bytes to attached clients and the log, checkpointing after each batch.
   * Throws when the log cannot be written; what it could not take is read again next time.
   */
  process(): void {
    try {
      for (const s of streams) {
        const f = this.files[s];
        while (f.read < f.end) {
          const buf = Buffer.allocUnsafe(Math.min(batchBytes, f.end - f.read));
          const n = readSync(f.fd, buf, 0, buf.length, f.read);
          if (n <= 0) break;
          const data = buf.subarray(0, n);
          const from = f.read;
          f.read += n;
          if (f.read > f.delivered) {
            this.deliver(s, data.subarray(Math.max(0, f.delivered - from)));
            f.delivered = f.read;
          }
          this.writer?.write(s, data);
          this.checkpoint();
        }
      }
    } catch (err) {
      for (const s of streams) this.files[s].read -= this.writer?.unwritten(s) ?? 0;
      this.writer?.discardUnwritten();
      throw err;
    }
    for (const s of streams) this.trim(s);
  }

  /** The output is over: unterminated lines become entries, and the spools start empty. */
  finish(): void {
    this.process();
    this.writer?.flush();
    this.checkpoint();
    for (const s of streams) this.trim(s, true);
  }

  /** Stops (berthd going away, or the run ended): what is not in the log stays in the spools. */
  close(): void {
    this.writer?.close();
    for (const s of streams) closeSync(this.files[s].fd);
  }

  private consumed(s: LogStream): number {
    return this.files[s].read - (this.writer?.unwritten(s) ?? 0);
  }

  private checkpoint(): void {
    const cp: Checkpoint = {
      gen: { stdout: this.files.stdout.gen, stderr: this.files.stderr.gen },
      offset: { stdout: this.consumed('stdout'), stderr: this.consumed('stderr') },
      log: this.writer?.position(),
    };
    const path = join(this.dir, checkpointName);
    writeFileSync(`${path}.tmp`, JSON.stringify(cp));
    renameSync(`${path}.tmp`, path);
  }

  /** A fully read spool past trimBytes starts a new generation holding only its unwritten tail. */
  private trim(s: LogStream, always = false): void {
    const f = this.files[s];
    const consumed = this.consumed(s);
    if (f.read < f.end || consumed === 0 || (consumed < trimBytes && !always)) return;
    const tail = Buffer.alloc(f.end - consumed);
    readSync(f.fd, tail, 0, tail.length, consumed);
    const gen = f.gen + 1;
    const fd = openSync(spoolPath(this.dir, s, gen), 'w+', 0o600);
    writeSync(fd, tail);
    closeSync(f.fd);
    rmSync(spoolPath(this.dir, s, f.gen), { force: true });
    this.files[s] = { gen, fd, end: tail.length, read: tail.length, delivered: tail.length };
    this.checkpoint();
  }
}

function spoolPath(dir: string, stream: LogStream, gen: number): string {
  return join(dir, `${stream}.${gen}.spool`);
}

function newestGen(dir: string, stream: LogStream, atLeast: number): number {
  let newest = atLeast;
  for (const name of readdirSync(dir)) {
    const m = new RegExp(`^${stream}\\.(\\d+)\\.spool$`).exec(name);
    if (m) newest = Math.max(newest, Number(m[1]));
  }
  return newest;
}

function openSpool(dir: string, stream: LogStream, saved: Checkpoint | undefined): SpoolFile {
  const savedGen = saved?.gen[stream] ?? 0;
  const gen = newestGen(dir, stream, savedGen);
  for (const name of readdirSync(dir)) {
    if (name.startsWith(`${stream}.`) && name.endsWith('.spool') && name !== `${stream}.${gen}.spool`) {
      rmSync(join(dir, name), { force: true });
    }
  }
  // Not O_APPEND: splice(2) refuses it; every write names its offset instead.
  const fd = openSync(spoolPath(dir, stream, gen), constants.O_RDWR | constants.O_CREAT, 0o600);
  const end = fstatSync(fd).size;
  // A generation newer than the checkpoint's was started from the checkpoint's offset.
  const read = saved && gen === savedGen ? Math.min(saved.offset[stream], end) : 0;
  // Nobody is attached yet: what was already in the spool is not sent to clients again.
  return { gen, fd, end, read, delivered: end };
}

function readCheckpoint(dir: string): Checkpoint | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, checkpointName), 'utf8')) as Checkpoint;
  } catch {
    return undefined;
  }
}
