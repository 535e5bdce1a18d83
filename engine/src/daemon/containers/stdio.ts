// A container's stdio as the daemon sees it: attached clients, the log, and the current run's IO
// (its FIFOs, in fifo-io.ts, with or without a TTY).
import type { OutputChunk, StdioSession } from '../../api/backend';
import type { LogStream } from '../logs/json-file';
import { type LogTarget, OutputSpool } from '../logs/spool';

/** The source of a running container's output and the sink of its input. */
export interface ProcessIO {
  writeStdin(data: Buffer): void;
  closeStdin(): void;
  /** Settles once all output has been read (the process and its children closed it). */
  readonly drained: Promise<void>;
  /** The process exited: read what is left now rather than at the next check. */
  exited(): void;
  /** Stops reading (berthd shutting down): the process keeps running. */
  release(): void;
}

/** Where a container's output goes besides attached clients. */
export interface OutputSink {
  /** The container's state dir, which holds the spools. */
  dir: string;
  /** The json-file log, unless logging is off. */
  log: LogTarget | undefined;
  /** Output could not be logged yet (disk full): it waits in the spool or the pipe. */
  onError(err: Error): void;
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
  constructor(
    readonly tty: boolean,
    readonly openStdin: boolean,
    readonly stdinOnce: boolean,
    readonly sink: OutputSink,
  ) {}

  /** Output on its way to attached clients only (the spool writes the log). */
  deliver(stream: 1 | 2, data: Buffer): void {
    for (const s of this.sessions) s.deliver({ stream, data });
  }

  /** The spools of this container's output (FIFOs), repaired up to the last checkpoint. */
  openSpool(): OutputSpool {
    return new OutputSpool(this.sink.dir, this.sink.log, (stream: LogStream, data) =>
      this.deliver(stream === 'stdout' ? 1 : 2, data),
    );
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
