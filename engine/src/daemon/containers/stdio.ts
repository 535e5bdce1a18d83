// A container's stdio as the daemon sees it. The process writes into FIFOs it holds open read-write
// itself, so it never gets SIGPIPE and keeps running while berthd is down (output waits in the
// pipe); berthd reads them, writes the json-file log and feeds attached clients. A restarted berthd
// opens the same FIFOs again. With a TTY, the pty master comes from the runtime instead.
import { closeSync, constants, existsSync, openSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { ReadStream } from 'node:tty';
import type { OutputChunk, StdioSession } from '../../api/backend';
import type { DaemonCalls } from '../../runtime/linux/daemon-calls';
import type { JsonFileWriter } from '../logs/json-file';
import type { StdioFd } from './runtime-port';

/** The source of a running container's output and the sink of its input. */
interface ProcessIO {
  writeStdin(data: Buffer): void;
  closeStdin(): void;
  /** Settles once all output has been read (the process and its children closed it). */
  readonly drained: Promise<void>;
  /** Stops reading (berthd shutting down): the process keeps running. */
  release(): void;
}

/**
 * Everything about one container's stdio that outlives a single run: the attached sessions (which
 * may attach before start, as `docker run` does), the log, and the current run's IO.
 */
export class StdioHub {
  private readonly sessions = new Set<AttachSession>();
  private io: ProcessIO | undefined;
  private pendingStdin: Buffer[] = [];
  /** The client closed stdin before the process started. */
  private stdinEnded = false;
  log: JsonFileWriter | undefined;

  constructor(
    readonly tty: boolean,
    readonly openStdin: boolean,
    readonly stdinOnce: boolean,
  ) {}

  output(stream: 1 | 2, data: Buffer): void {
    this.log?.write(stream === 1 ? 'stdout' : 'stderr', data);
    for (const s of this.sessions) s.deliver({ stream, data });
  }

  /** A run began: its IO takes stdin typed so far (and its end, if the client already closed it). */
  connect(io: ProcessIO): void {
    this.io = io;
    for (const chunk of this.pendingStdin) io.writeStdin(chunk);
    this.pendingStdin = [];
    if (this.stdinEnded) io.closeStdin();
    this.stdinEnded = false;
  }

  /** The run's output is over: attached sessions end, as Docker's do when the container stops. */
  disconnect(): void {
    this.io = undefined;
    this.log?.flush();
    for (const s of this.sessions) s.finish();
    this.sessions.clear();
  }

  release(): void {
    this.io?.release();
    this.io = undefined;
  }

  attach(options: { stdin: boolean; stdout: boolean; stderr: boolean }, onDetach: () => void): AttachSession {
    const session = new AttachSession(this, options, (s) => {
      this.sessions.delete(s);
      onDetach();
    });
    this.sessions.add(session);
    return session;
  }

  get attachedCount(): number {
    return this.sessions.size;
  }

  stdin(data: Buffer): void {
    if (this.io) this.io.writeStdin(data);
    else this.pendingStdin.push(Buffer.from(data));
  }

  /** The last stdin-attached client left: with StdinOnce, the process sees end of file. */
  stdinClosed(): void {
    if (!this.stdinOnce) return;
    if (this.io) this.io.closeStdin();
    else this.stdinEnded = true;
  }
}

export class AttachSession implements StdioSession {
  readonly tty: boolean;
  readonly stdinOpen: boolean;
  readonly ended: Promise<void>;
  private listeners: ((c: OutputChunk) => void)[] = [];
  private early: OutputChunk[] = [];
  private resolveEnded!: () => void;
  private done = false;

  constructor(
    private readonly hub: StdioHub,
    private readonly options: { stdin: boolean; stdout: boolean; stderr: boolean },
    private readonly onEnd: (s: AttachSession) => void,
  ) {
    this.tty = hub.tty;
    this.stdinOpen = options.stdin && hub.openStdin;
    this.ended = new Promise((r) => (this.resolveEnded = r));
  }

  onOutput(listener: (chunk: OutputChunk) => void): void {
    this.listeners.push(listener);
    for (const chunk of this.early.splice(0)) listener(chunk);
  }

  deliver(chunk: OutputChunk): void {
    if (this.done) return;
    if (chunk.stream === 1 ? !this.options.stdout : !this.options.stderr) return;
    // Output before the client's stream is wired (log replay, a fast process) waits here.
    if (this.listeners.length === 0) this.early.push(chunk);
    for (const l of this.listeners) l(chunk);
  }

  writeStdin(data: Buffer): void {
    if (this.stdinOpen && !this.done) this.hub.stdin(data);
  }

  closeStdin(): void {
    if (this.stdinOpen) this.hub.stdinClosed();
  }

  detach(): void {
    this.finish();
  }

  finish(): void {
    if (this.done) return;
    this.done = true;
    this.onEnd(this);
    this.resolveEnded();
  }
}

const fifoNames = ['stdin', 'stdout', 'stderr'] as const;

/** The FIFOs of a container without a TTY. */
export class FifoIO implements ProcessIO {
  readonly drained: Promise<void>;
  private readonly readers: Socket[] = [];
  private stdinWriter: Socket | undefined;

  private constructor(hub: StdioHub, readerFds: [number, number], stdinWriterFd: number | undefined) {
    const ends = readerFds.map((fd, i) => {
      const socket = new Socket({ fd, readable: true, writable: false });
      this.readers.push(socket);
      const stream = (i + 1) as 1 | 2;
      socket.on('data', (d: Buffer) => hub.output(stream, d));
      return new Promise<void>((resolve) => {
        socket.once('end', resolve);
        socket.once('close', resolve);
        socket.once('error', () => resolve());
      });
    });
    this.drained = Promise.all(ends).then(() => undefined);
    if (stdinWriterFd !== undefined) {
      this.stdinWriter = new Socket({ fd: stdinWriterFd, readable: false, writable: true });
      this.stdinWriter.on('error', () => undefined); // the process closed its stdin
    }
  }

  /**
   * Makes the FIFOs for a new run. Returns the fds to give the container (close them once the
   * runtime has them) and a function that starts reading.
   */
  static prepare(
    dir: string,
    hub: StdioHub,
    calls: DaemonCalls,
  ): { stdio: [StdioFd, StdioFd, StdioFd]; closeContainerEnds: () => void; open: () => FifoIO } {
    for (const name of fifoNames) {
      rmSync(join(dir, name), { force: true });
      if (name !== 'stdin' || hub.openStdin) calls.mkfifo(join(dir, name), 0o600);
    }
    const opened: number[] = [];
    const open = (name: string, flags: number): number => {
      const fd = openSync(join(dir, name), flags);
      opened.push(fd);
      return fd;
    };
    try {
      // Our read ends first (non-blocking: no writer yet), then the container's ends read-write,
      // so the container itself keeps a reader: no SIGPIPE while berthd is away.
      const outR = open('stdout', constants.O_RDONLY | constants.O_NONBLOCK);
      const errR = open('stderr', constants.O_RDONLY | constants.O_NONBLOCK);
      const outC = open('stdout', constants.O_RDWR);
      const errC = open('stderr', constants.O_RDWR);
      let inW: number | undefined;
      let inC: StdioFd = 'ignore';
      if (hub.openStdin) {
        inW = open('stdin', constants.O_RDWR);
        // With StdinOnce the container must see end of file when the client leaves: it gets a
        // read-only end, so our end is the only writer.
        inC = open('stdin', hub.stdinOnce ? constants.O_RDONLY : constants.O_RDWR);
      }
      const containerEnds = [outC, errC, ...(typeof inC === 'number' ? [inC] : [])];
      return {
        stdio: [inC, outC, errC],
        closeContainerEnds: () => {
          for (const fd of containerEnds.splice(0)) closeSync(fd);
        },
        open: () => new FifoIO(hub, [outR, errR], inW),
      };
    } catch (err) {
      for (const fd of opened) closeSync(fd);
      throw err;
    }
  }

  /** Opens the FIFOs of a container that kept running while berthd was down. */
  static reopen(dir: string, hub: StdioHub): FifoIO | undefined {
    if (!existsSync(join(dir, 'stdout')) || !existsSync(join(dir, 'stderr'))) return undefined;
    const outR = openSync(join(dir, 'stdout'), constants.O_RDONLY | constants.O_NONBLOCK);
    const errR = openSync(join(dir, 'stderr'), constants.O_RDONLY | constants.O_NONBLOCK);
    // The container holds its FIFO ends read-write: a writer is guaranteed, EOF comes at its exit.
    const inW =
      hub.openStdin && existsSync(join(dir, 'stdin'))
        ? openSync(join(dir, 'stdin'), constants.O_RDWR)
        : undefined;
    return new FifoIO(hub, [outR, errR], inW);
  }

  writeStdin(data: Buffer): void {
    this.stdinWriter?.write(data);
  }

  closeStdin(): void {
    this.stdinWriter?.end();
    this.stdinWriter = undefined;
  }

  release(): void {
    for (const r of this.readers) r.destroy();
    this.stdinWriter?.destroy();
  }
}

/** The pty master of a container with a TTY. */
export class ConsoleIO implements ProcessIO {
  readonly drained: Promise<void>;
  private readonly stream: ReadStream;

  constructor(
    readonly fd: number,
    hub: StdioHub,
  ) {
    this.stream = new ReadStream(fd);
    this.stream.on('data', (d: Buffer) => hub.output(1, d));
    this.drained = new Promise<void>((resolve) => {
      // EIO once every process holding the slave has exited.
      this.stream.once('error', () => resolve());
      this.stream.once('end', resolve);
      this.stream.once('close', resolve);
    });
  }

  writeStdin(data: Buffer): void {
    if (!this.stream.destroyed) this.stream.write(data);
  }

  closeStdin(): void {
    // A terminal has no end of file of its own: ^D asks the line discipline for one.
    this.writeStdin(Buffer.from([4]));
  }

  release(): void {
    this.stream.destroy();
  }
}
