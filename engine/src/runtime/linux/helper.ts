// Runs berth-init with a program and speaks its protocol: the program goes in, PID / SYNC / ERROR
// / READY messages come out, and each SYNC waits for the runtime's part (uid maps, cgroup, hooks).
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Socket } from 'node:net';
import type { HostSyscalls } from './host';
import { ErrnoError } from './libc';
import type { InitProgram } from './init-program';
import { Message, Op, SyncPoint } from './init-program';

/** Where the build puts berth-init (npm run build compiles berth-init.c). */
export function initBinaryPath(): string {
  const fromEnv = process.env.BERTH_INIT;
  if (fromEnv) return fromEnv;
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    for (const candidate of [join(dir, 'out/native/berth-init'), join(dir, 'dist/native/berth-init')]) {
      if (existsSync(candidate)) return candidate;
    }
    if (existsSync(join(dir, 'package.json'))) break;
  }
  throw new Error(
    'berth-init was not found: run `npm run build` (it compiles engine/src/runtime/linux/berth-init.c), or set BERTH_INIT',
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

/** A started berth-init, waiting for its program on its sync socket. */
export interface InitHelper {
  process: ChildProcess;
  /** Our end of the sync socket: messages are read through `socket`, the program sent with sendmsg. */
  fd: number;
  socket: Socket;
}

export function startHelper(host: HostSyscalls): InitHelper {
  const [ours, theirs] = host.socketPair();
  let child: ChildProcess;
  try {
    child = spawn(initBinaryPath(), ['3'], {
      stdio: ['ignore', 'ignore', 'ignore', theirs],
      detached: true, // its own session: a terminal's ^C does not reach the supervisor
      env: {},
    });
  } finally {
    host.close(theirs);
  }
  return { process: child, fd: ours, socket: new Socket({ fd: ours, readable: true, writable: true }) };
}

/**
 * Helpers started ahead of time, so that starting one (a fork of this large Node process) is not
 * on a container's critical path. Idle helpers do not keep Node alive.
 */
export class HelperPool {
  private readonly idle: InitHelper[] = [];

  constructor(
    private readonly host: HostSyscalls,
    private readonly size: number,
  ) {}

  take(): InitHelper {
    let helper: InitHelper | undefined;
    while ((helper = this.idle.shift())) {
      if (helper.process.exitCode === null && helper.process.signalCode === null) break;
    }
    if (this.size > 0) setImmediate(() => this.fill());
    if (!helper) return startHelper(this.host);
    helper.process.ref();
    helper.socket.ref();
    return helper;
  }

  fill(): void {
    while (this.idle.length < this.size) {
      const helper = startHelper(this.host);
      helper.process.unref();
      helper.socket.unref();
      helper.process.on('error', () => undefined);
      this.idle.push(helper);
    }
  }

  /** Ends the idle helpers (they exit on EOF). */
  close(): void {
    for (const helper of this.idle.splice(0)) helper.socket.destroy();
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
  /** berth-init's supervisor half: it exits with the container's status (unless detached). */
  helper: ChildProcess;
  /** The container's first process, as seen from the runtime's pid namespace. */
  pid: number;
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
  const helper = options.helper.process;
  const sync = options.helper.socket;
  let containerPid = -1;

  return new Promise<InitResult>((resolve, reject) => {
    let settled = false;
    let buffered = Buffer.alloc(0);
    let queue = Promise.resolve();
    const timer = setTimeout(
      () =>
        finish(
          new Error(
            `berth-init did not finish within ${options.timeoutMs ?? 60000} ms (stuck at a mount or hook?)`,
          ),
        ),
      options.timeoutMs ?? 60000,
    );

    const finish = (err: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        helper.kill('SIGKILL');
        if (containerPid > 0) {
          try {
            process.kill(containerPid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        sync.destroy();
        reject(Object.assign(err, { helperPid: helper.pid, containerPid }));
      } else {
        sync.destroy();
        resolve({ helper, pid: containerPid });
      }
    };

    const onMessage = (type: number, payload: Buffer) => {
      switch (type) {
        case Message.PID:
          containerPid = payload.readInt32LE(0);
          break;
        case Message.SYNC: {
          const point = payload.readUInt32LE(0) as SyncPoint;
          queue = queue.then(async () => {
            try {
              await options.onSync(point, { helperPid: helper.pid ?? -1, containerPid });
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
      while (buffered.length >= 8) {
        const len = buffered.readUInt32LE(4);
        if (buffered.length < 8 + len) break;
        const type = buffered.readUInt32LE(0);
        const payload = buffered.subarray(8, 8 + len);
        buffered = buffered.subarray(8 + len);
        onMessage(type, payload);
      }
    });
    sync.on('end', () => {
      // The init closed its end: exec happened (exec programs) or it died before READY.
      if (options.untilExec && containerPid > 0) {
        void queue.then(() => finish(null));
        return;
      }
      helper.once('exit', (code, signal) =>
        finish(
          new Error(`berth-init ended before the container was ready (${signal ?? `exit code ${code}`})`),
        ),
      );
      if (helper.exitCode !== null || helper.signalCode !== null) {
        finish(new Error(`berth-init ended before the container was ready (exit code ${helper.exitCode})`));
      }
    });
    sync.on('error', () => {
      /* 'end' or the helper's exit reports it */
    });
    helper.on('error', (err) => finish(err));

    try {
      const { data, fds: passed } = fds.message(program.encode());
      options.host.sendFds(options.helper.fd, passed, data);
    } catch (err) {
      finish(err as Error);
    }
  });
}
