// Reads json-file logs back for `docker logs`: rotated files oldest first, since/until, tail,
// and follow (inotify on the live file, across rotations) until the container stops.
import { closeSync, existsSync, fstatSync, openSync, readSync, statSync, watch } from 'node:fs';
import type { LogEntry } from '../../api/backend';
import { type JsonLogLine, parseLogTime, rotatedPath } from './json-file';

export interface LogReadOptions {
  stdout: boolean;
  stderr: boolean;
  /** Unix seconds; 0 = no bound. */
  since: number;
  until: number;
  tail?: number;
  follow: boolean;
}

const chunkSize = 64 * 1024;

/** Reads complete lines from a file descriptor, from an offset, remembering partial ones. */
class LineReader {
  private rest = Buffer.alloc(0);
  constructor(
    readonly fd: number,
    public offset = 0,
  ) {}

  /** Lines available now (without their newline). */
  *lines(): Generator<string> {
    const buf = Buffer.alloc(chunkSize);
    for (;;) {
      const n = readSync(this.fd, buf, 0, chunkSize, this.offset);
      if (n <= 0) return;
      this.offset += n;
      let data = this.rest.length ? Buffer.concat([this.rest, buf.subarray(0, n)]) : buf.subarray(0, n);
      let nl: number;
      while ((nl = data.indexOf(10)) >= 0) {
        yield data.subarray(0, nl).toString('utf8');
        data = data.subarray(nl + 1);
      }
      this.rest = Buffer.from(data);
    }
  }
}

function toEntry(line: string): (LogEntry & { seconds: number }) | undefined {
  let parsed: JsonLogLine;
  try {
    parsed = JSON.parse(line) as JsonLogLine;
  } catch {
    return undefined; // a line cut by a crash or a full disk: skip it
  }
  if (typeof parsed.log !== 'string' || (parsed.stream !== 'stdout' && parsed.stream !== 'stderr'))
    return undefined;
  return {
    stream: parsed.stream,
    time: parsed.time,
    data: Buffer.from(parsed.log, 'utf8'),
    seconds: parseLogTime(parsed.time),
  };
}

export async function* readJsonLogs(
  path: string,
  maxFile: number,
  options: LogReadOptions,
  /** Settles when the container stops: following ends once the file is drained. */
  stopped: Promise<void>,
  signal: AbortSignal,
): AsyncGenerator<LogEntry> {
  const wanted = (e: LogEntry & { seconds: number }): boolean =>
    (e.stream === 'stdout' ? options.stdout : options.stderr) &&
    (options.since === 0 || e.seconds >= options.since) &&
    (options.until === 0 || e.seconds <= options.until);
  const strip = (e: LogEntry & { seconds: number }): LogEntry => ({
    stream: e.stream,
    time: e.time,
    data: e.data,
  });

  const files: string[] = [];
  for (let n = maxFile - 1; n >= 0; n--) {
    const p = rotatedPath(path, n);
    if (existsSync(p)) files.push(p);
  }
  let live: LineReader | undefined;
  const tail: LogEntry[] = [];
  const useTail = options.tail !== undefined;
  for (const file of files) {
    const fd = openSync(file, 'r');
    const reader = new LineReader(fd);
    for (const line of reader.lines()) {
      const e = toEntry(line);
      if (!e || !wanted(e)) continue;
      if (!useTail) yield strip(e);
      else if (options.tail! > 0) {
        tail.push(strip(e));
        if (tail.length > options.tail!) tail.shift();
      }
    }
    if (file === path) live = reader;
    else closeSync(fd);
  }
  yield* tail;
  if (!options.follow || signal.aborted) {
    if (live) closeSync(live.fd);
    return;
  }
  yield* follow(path, live, wanted, strip, stopped, signal, options);
}

async function* follow(
  path: string,
  start: LineReader | undefined,
  wanted: (e: LogEntry & { seconds: number }) => boolean,
  strip: (e: LogEntry & { seconds: number }) => LogEntry,
  stopped: Promise<void>,
  signal: AbortSignal,
  options: LogReadOptions,
): AsyncGenerator<LogEntry> {
  let reader = start;
  let done = false;
  let wake: (() => void) | undefined;
  // Set by every notification, so one that fires while we are yielding is not lost.
  let pending = false;
  const poke = (): void => {
    pending = true;
    wake?.();
  };
  void stopped.then(() => {
    done = true;
    poke();
  });
  signal.addEventListener('abort', poke);
  // inotify on the directory sees both appends and the rename of a rotation.
  const watcher = watch(path.slice(0, path.lastIndexOf('/')), poke);
  try {
    for (;;) {
      pending = false;
      if (!reader && existsSync(path)) reader = new LineReader(openSync(path, 'r'));
      if (reader) {
        for (const line of reader.lines()) {
          const e = toEntry(line);
          if (e && wanted(e)) yield strip(e);
          if (options.until !== 0 && e && e.seconds > options.until) return;
        }
        // Rotated: the live name now points to a new file; the old one is drained.
        if (existsSync(path) && statSync(path).ino !== fstatSync(reader.fd).ino) {
          closeSync(reader.fd);
          reader = undefined;
          continue;
        }
      }
      if (done || signal.aborted) return;
      if (!pending) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
      wake = undefined;
    }
  } finally {
    watcher.close();
    signal.removeEventListener('abort', poke);
    if (reader) closeSync(reader.fd);
  }
}
