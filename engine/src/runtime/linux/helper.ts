// Starts berth-init helpers (directly, or forked by a zygote) and speaks their protocol: the
// program and its fds go in, PID / SYNC / ERROR / READY messages come out, each SYNC waits for the
// runtime's part (uid maps, hooks), and the supervisor reports the exit status on its own socket.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Socket } from 'node:net';
import type { HostSyscalls } from './host';
import { ErrnoError } from './libc';
import type { InitProgram } from './init-program';
import { Message, Op, SyncPoint } from './init-program';

let binaryPath: string | undefined;

/** Where the build puts berth-init (npm run build compiles engine/src/runtime/linux/init/). */
export function initBinaryPath(): string {
  return (binaryPath ??= findInitBinary());
}

function findInitBinary(): string {
  const fromEnv = process.env.BERTH_INIT;
  if (fromEnv) return fromEnv;
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    for (const candidate of [join(dir, 'out/native/berth-init'), join(dir, 'dist/native/berth-init')]) {
      if (existsSync(candidate)) return candidate;
    }
    if (existsSync(join(dir, 'package.json'))) break;
  }
  throw new Error(
    'berth-init was not found: run `npm run build` (it compiles engine/src/runtime/linux/init/), or set BERTH_INIT',
  );
}

/**
 * The fds a container's init gets, each at the number the program refers to it by: stdio at
 * 0-2, preserved fds (--preserve-fds) at 3…, then everything else the program uses.
 */
export class ChildFds {
  private readonly fds: number[];
  private readonly targets: number[];

  constructor(
    stdio: [number, number, number],
    readonly preserved: number[] = [],
  ) {
    this.fds = [...stdio, ...preserved];
    this.targets = this.fds.map((_, i) => i);
  }

  /** Passes one of our fds to the init; returns its number there. */
  add(parentFd: number): number {
    const target = this.targets.length;
    this.fds.push(parentFd);
    this.targets.push(target);
    return target;
  }

  /** [u32 program length][u32 fd count][i32 targets…][program]: what berth-init reads. */
  message(program: Buffer): { data: Buffer; fds: number[] } {
    const head = Buffer.alloc(8 + 4 * this.targets.length);
    head.writeUInt32LE(program.length, 0);
    head.writeUInt32LE(this.fds.length, 4);
    this.targets.forEach((t, i) => head.writeInt32LE(t, 8 + 4 * i));
    return { data: Buffer.concat([head, program]), fds: this.fds };
  }
}

/** A berth-init helper waiting for its program on its sync socket. */
export interface InitHelper {
  /** Our end of the sync socket: messages are read through `socket`, the program sent with sendmsg. */
  fd: number;
  socket: Socket;
}

function binaryArgs(args: string[], fd: number): { args: string[]; stdio: ('ignore' | number)[] } {
  return { args, stdio: ['ignore', 'ignore', 'ignore', fd] };
}

/** Starts one helper as our child: for one-shot callers (the CLI) that would not reuse a zygote. */
export function startHelper(host: HostSyscalls): InitHelper {
  const [ours, theirs] = host.socketPair();
  try {
    const { args, stdio } = binaryArgs(['3'], theirs);
    // Its own session: a terminal's ^C does not reach the supervisor. Its exit is reported on
    // a socket, so nothing here needs to wait for it.
    spawn(initBinaryPath(), args, { stdio, detached: true, env: {} }).unref();
  } finally {
    host.close(theirs);
  }
  return { fd: ours, socket: new Socket({ fd: ours, readable: true, writable: true }) };
}

/**
 * A long-lived berth-init in zygote mode: it forks a fresh helper for each socket we send it, so
 * this (large, multithreaded) Node process never forks per container. Forking Node costs a few
 * ms of CPU and blocks the event loop until the exec; forking the zygote costs microseconds.
 */
export class Zygote {
  private child?: ChildProcess;
  private fd = -1;

  constructor(private readonly host: HostSyscalls) {}

  private start(): void {
    const [ours, theirs] = this.host.socketPair();
    try {
      const { args, stdio } = binaryArgs(['--zygote', '3'], theirs);
      this.child = spawn(initBinaryPath(), args, { stdio, detached: true, env: {} });
    } finally {
      this.host.close(theirs);
    }
    this.child.unref();
    this.child.on('error', () => undefined);
    this.fd = ours;
  }

  take(): InitHelper {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) {
      if (this.fd >= 0) this.host.close(this.fd);
      this.start();
    }
    const [ours, theirs] = this.host.socketPair();
    try {
      this.host.sendFds(this.fd, [theirs], Buffer.from('F'));
    } finally {
      this.host.close(theirs);
    }
    return { fd: ours, socket: new Socket({ fd: ours, readable: true, writable: true }) };
  }

  /** Ends the zygote (it exits on EOF); helpers and containers it started keep running. */
  close(): Promise<void> {
    const child = this.child;
    if (this.fd >= 0) this.host.close(this.fd);
    this.fd = -1;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    child.ref(); // keep Node up until it is gone
    return new Promise((resolve) => child.once('exit', () => resolve()));
  }
}

export interface RunInitOptions {
  helper: InitHelper;
  host: HostSyscalls;
  program: InitProgram;
  fds: ChildFds;
  /** Does the runtime's part at a sync point; the helper waits until it resolves. */
  onSync(point: SyncPoint, ids: { helperPid: number; containerPid: number }): Promise<void> | void;
  /** The program ends with exec (no READY): resolve once the user's program started. */
  untilExec?: boolean;
  timeoutMs?: number;
}

export interface InitResult {
  /** The container's first process, as seen from the runtime's pid namespace. */
  pid: number;
  /** The supervisor that waits for it. */
  supervisorPid: number;
}

/** A failed op in the container's init: the call, the op's arguments and errno. */
export class InitError extends ErrnoError {
  constructor(
    call: string,
    arg: string,
    errno: number,
    readonly op: string,
  ) {
    super(call, arg, errno);
    this.name = 'InitError';
  }
}

function initError(program: InitProgram, index: number, errno: number, call: string): Error {
  const op = program.calls[index];
  if (!op) return new ErrnoError(call, `op ${index}`, errno);
  const open = op.text.indexOf('(');
  const args = op.text.slice(open + 1, op.text.lastIndexOf(')'));
  if (op.op === Op.FIND_EXEC) {
    const name = JSON.stringify(String(op.args[0]));
    const what = errno === 2 ? 'executable file not found in $PATH' : 'permission denied';
    const err = new InitError(call, args, errno, op.text);
    err.message = `exec: ${name}: ${what}: check process.args[0] and PATH in process.env`;
    return err;
  }
  return new InitError(call, args, errno, op.text);
}

export function runInit(options: RunInitOptions): Promise<InitResult> {
  const { program, fds } = options;
  const sync = options.helper.socket;
  let containerPid = -1;
  let supervisorPid = -1;

  return new Promise<InitResult>((resolve, reject) => {
    let settled = false;
    let buffered: Buffer = Buffer.alloc(0);
    let queue = Promise.resolve();
    const timeoutMs = options.timeoutMs ?? 60000;
    const timer = setTimeout(
      () => finish(new Error(`berth-init did not finish within ${timeoutMs} ms (stuck at a mount or hook?)`)),
      timeoutMs,
    );

    const finish = (err: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Closing the socket also stops a helper waiting at a sync point.
      sync.destroy();
      if (err) {
        for (const pid of [supervisorPid, containerPid]) {
          if (pid > 0) {
            try {
              process.kill(pid, 'SIGKILL');
            } catch {
              // already gone
            }
          }
        }
        reject(Object.assign(err, { containerPid }));
      } else {
        resolve({ pid: containerPid, supervisorPid });
      }
    };

    const onMessage = (type: number, payload: Buffer) => {
      switch (type) {
        case Message.PID:
          containerPid = payload.readInt32LE(0);
          supervisorPid = payload.readInt32LE(4);
          break;
        case Message.SYNC: {
          const point = payload.readUInt32LE(0) as SyncPoint;
          const helperPid = payload.readInt32LE(4);
          queue = queue.then(async () => {
            try {
              await options.onSync(point, { helperPid, containerPid });
              if (!settled) sync.write('c');
            } catch (err) {
              finish(err as Error);
            }
          });
          break;
        }
        case Message.ERROR:
          finish(
            initError(
              program,
              payload.readUInt32LE(0),
              payload.readInt32LE(4),
              payload.subarray(8).toString(),
            ),
          );
          break;
        case Message.READY:
          finish(null);
          break;
      }
    };

    sync.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (const [type, payload] of takeFrames(buffered, (rest) => (buffered = rest)))
        onMessage(type, payload);
    });
    sync.on('end', () => {
      // The init closed its end: exec happened (exec programs), or it died before READY.
      if (options.untilExec && containerPid > 0) void queue.then(() => finish(null));
      else finish(new Error('berth-init ended before the container was ready (killed, or out of memory?)'));
    });
    sync.on('error', (err) => finish(err));

    try {
      const { data, fds: passed } = fds.message(program.encode());
      options.host.sendFds(options.helper.fd, passed, data);
    } catch (err) {
      finish(err as Error);
    }
  });
}

/** Splits complete [u32 type][u32 length][payload] frames off `buffer`; hands back the rest. */
function takeFrames(buffer: Buffer, rest: (b: Buffer) => void): [number, Buffer][] {
  const frames: [number, Buffer][] = [];
  while (buffer.length >= 8 && buffer.length >= 8 + buffer.readUInt32LE(4)) {
    const len = buffer.readUInt32LE(4);
    frames.push([buffer.readUInt32LE(0), buffer.subarray(8, 8 + len)]);
    buffer = buffer.subarray(8 + len);
  }
  rest(buffer);
  return frames;
}

/**
 * The raw wait status the supervisor reports on the status socket (MSG_EXIT) when the
 * container's process ends; null if the socket closed without one (the supervisor was killed).
 */
export function exitReport(fd: number): Promise<number | null> {
  const socket = new Socket({ fd, readable: true, writable: false });
  return new Promise((resolve) => {
    let buffered: Buffer = Buffer.alloc(0);
    let status: number | null = null;
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (const [type, payload] of takeFrames(buffered, (rest) => (buffered = rest))) {
        if (type === Message.EXIT) status = payload.readInt32LE(0);
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(status));
  });
}
