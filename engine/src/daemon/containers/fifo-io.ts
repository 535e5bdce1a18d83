// A container's stdio through FIFOs. Without a TTY the process writes into FIFOs it holds open
// read-write itself, so it never gets SIGPIPE and keeps running while berthd is down (output waits
// in the pipe, kept alive by the output holder); with one, relays copy between the pty master and
// the FIFOs (output-holder.ts). berthd never reads the FIFOs into its own memory: it splices them
// into spool files (logs/spool.ts), from which the json-file log is written and attached clients
// are fed, so a SIGKILL of berthd at any point loses no output. A restarted berthd opens the same
// FIFOs and spools again.
import { closeSync, constants, existsSync, type FSWatcher, openSync, rmSync, watch } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';
import type { DaemonCalls } from '../../runtime/linux/daemon-calls';
import type { LogStream } from '../logs/json-file';
import { OutputSpool } from '../logs/spool';
import { startOutputHolder } from './output-holder';
import type { StdioFd } from './runtime-port';
import type { OutputSink, ProcessIO, StdioHub } from './stdio';

const fifoNames = ['stdin', 'stdout', 'stderr'] as const;

/** How often FIFOs are checked besides inotify (end of file, a retry after disk full). */
const recheckMs = 1000;

/** The FIFOs of a container. */
export class FifoIO implements ProcessIO {
  readonly drained: Promise<void>;
  private resolveDrained!: () => void;
  /** Our read ends, until end of file. */
  private readonly readers: Record<LogStream, number | undefined>;
  private readonly watchers: FSWatcher[] = [];
  private readonly timer: NodeJS.Timeout;
  private stdinWriter: Socket | undefined;
  private released = false;

  private constructor(
    dir: string,
    private readonly hub: StdioHub,
    /** stderr: none with a TTY, whose output is all on stdout. */
    readerFds: [number, number | undefined],
    stdinWriterFd: number | undefined,
  ) {
    this.drained = new Promise((resolve) => (this.resolveDrained = resolve));
    let spool: OutputSpool;
    try {
      spool = hub.openSpool();
    } catch (err) {
      for (const fd of readerFds) if (fd !== undefined) closeSync(fd);
      throw err;
    }
    this.spool = spool;
    this.readers = { stdout: readerFds[0], stderr: readerFds[1] };
    // A write into a named FIFO raises inotify's IN_MODIFY: data is taken as soon as it comes.
    for (const name of ['stdout', 'stderr'] as const) {
      if (this.readers[name] === undefined) continue;
      const w = watch(join(dir, name), () => this.pump());
      w.on('error', () => undefined); // the runtime dir went away: the timer still sees end of file
      this.watchers.push(w);
    }
    this.timer = setInterval(() => this.pump(), recheckMs);
    this.timer.unref();
    if (stdinWriterFd !== undefined) {
      this.stdinWriter = new Socket({ fd: stdinWriterFd, readable: false, writable: true });
      this.stdinWriter.on('error', () => undefined); // the process closed its stdin
    }
    // Output written while no berthd was reading is taken now.
    this.pump();
  }

  private readonly spool: OutputSpool;

  /** Moves what the FIFOs hold into the spools, then on to the log and attached clients. */
  private pump(): void {
    if (this.released) return;
    for (const s of ['stdout', 'stderr'] as const) {
      const fd = this.readers[s];
      if (fd === undefined) continue;
      try {
        if (!this.spool.take(s, fd)) {
          closeSync(fd);
          this.readers[s] = undefined;
        }
      } catch (err) {
        this.hub.sink.onError(err as Error);
      }
    }
    try {
      if (this.readers.stdout === undefined && this.readers.stderr === undefined) {
        this.spool.finish();
        this.stop();
        this.resolveDrained();
      } else {
        this.spool.process();
      }
    } catch (err) {
      this.hub.sink.onError(err as Error);
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
      startOutputHolder(dir, [outR, errR]);
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
        open: () => new FifoIO(dir, hub, [outR, errR], inW),
      };
    } catch (err) {
      for (const fd of opened) closeSync(fd);
      throw err;
    }
  }

  /**
   * Makes the FIFOs for a new run with a TTY and starts the relays between them and the pty
   * `master`. Returns a function that starts reading.
   */
  static prepareTty(dir: string, hub: StdioHub, calls: DaemonCalls, master: number): { open: () => FifoIO } {
    for (const name of fifoNames) {
      rmSync(join(dir, name), { force: true });
      if (name !== 'stderr' && (name !== 'stdin' || hub.openStdin)) calls.mkfifo(join(dir, name), 0o600);
    }
    // The relays are `cat`: it expects blocking reads and writes.
    calls.setBlocking(master);
    const opened: number[] = [];
    const open = (name: string, flags: number): number => {
      const fd = openSync(join(dir, name), flags);
      opened.push(fd);
      return fd;
    };
    let ours: number[] = [];
    try {
      const outR = open('stdout', constants.O_RDONLY | constants.O_NONBLOCK);
      const outRelay = open('stdout', constants.O_WRONLY);
      const relays = [{ from: master, to: outRelay }];
      let inW: number | undefined;
      if (hub.openStdin) {
        // Ours (and the holder's) end is read-write, so the input relay sees no end of file while
        // berthd is away; the relay's own end blocks.
        inW = open('stdin', constants.O_RDWR);
        relays.push({ from: open('stdin', constants.O_RDONLY), to: master });
      }
      startOutputHolder(dir, [master, outR, ...(inW === undefined ? [] : [inW])], relays);
      ours = [outR, ...(inW === undefined ? [] : [inW])];
      return { open: () => new FifoIO(dir, hub, [outR, undefined], inW) };
    } catch (err) {
      for (const fd of opened.splice(0)) closeSync(fd);
      throw err;
    } finally {
      // The relays have their own copies.
      for (const fd of opened) if (!ours.includes(fd)) closeSync(fd);
    }
  }

  /** Opens the FIFOs of a container that kept running while berthd was down. */
  static reopen(dir: string, hub: StdioHub): FifoIO | undefined {
    if (!existsSync(join(dir, 'stdout')) || (!hub.tty && !existsSync(join(dir, 'stderr')))) return undefined;
    const outR = openSync(join(dir, 'stdout'), constants.O_RDONLY | constants.O_NONBLOCK);
    const errR = hub.tty
      ? undefined
      : openSync(join(dir, 'stderr'), constants.O_RDONLY | constants.O_NONBLOCK);
    // The container (or a TTY's relay) holds a writer for as long as it runs: EOF comes at its exit.
    const inW =
      hub.openStdin && existsSync(join(dir, 'stdin'))
        ? openSync(join(dir, 'stdin'), constants.O_RDWR)
        : undefined;
    return new FifoIO(dir, hub, [outR, errR], inW);
  }

  writeStdin(data: Buffer): void {
    this.stdinWriter?.write(data);
  }

  closeStdin(): void {
    // A terminal has no end of file of its own: ^D asks the line discipline for one.
    if (this.hub.tty) {
      this.stdinWriter?.write(Buffer.from([4]));
      return;
    }
    this.stdinWriter?.end();
    this.stdinWriter = undefined;
  }

  exited(): void {
    this.pump();
  }

  release(): void {
    if (this.released) return;
    this.stop();
    this.released = true;
    for (const s of ['stdout', 'stderr'] as const) {
      const fd = this.readers[s];
      if (fd !== undefined) closeSync(fd);
      this.readers[s] = undefined;
    }
    this.spool.close();
    this.stdinWriter?.destroy();
  }

  private stop(): void {
    clearInterval(this.timer);
    for (const w of this.watchers.splice(0)) w.close();
  }
}

/**
 * Takes the output a container left in its FIFOs and spools when it ended while berthd was away
 * (the output holder kept the FIFOs' bytes), and writes it into the log.
 */
export function finishOutput(fifoDir: string, sink: OutputSink): void {
  const fifos = (['stdout', 'stderr'] as const).filter((s) => existsSync(join(fifoDir, s)));
  if (!fifos.length && !OutputSpool.hasBacklog(sink.dir)) return;
  const spool = new OutputSpool(sink.dir, sink.log, () => undefined);
  try {
    for (const s of fifos) {
      const fd = openSync(join(fifoDir, s), constants.O_RDONLY | constants.O_NONBLOCK);
      try {
        spool.take(s, fd);
      } finally {
        closeSync(fd);
      }
    }
    spool.finish();
  } finally {
    spool.close();
  }
}
