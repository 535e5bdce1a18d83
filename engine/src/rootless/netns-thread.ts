// A thread of rootless berthd that lives in its network namespace (rootless-netns.ts) for good.
// berthd's main thread stays in the host's namespace (its API, pulls, --network host containers,
// the host side of published ports): root of a user namespace may enter a namespace the user
// namespace owns, but never step back into the host's. So whatever must happen inside — a
// container's namespace made (unshare on a thread, which then returns home), the embedded DNS
// server's sockets opened in a container's namespace, a socket towards a container's address —
// is done by this thread, whose home is the rootless namespace. The main thread asks and waits
// (a few syscalls: microseconds), so the calls stay synchronous, like linuxNetnsCalls as root.
import {
  MessageChannel,
  type MessagePort,
  receiveMessageOnPort,
  Worker,
  isMainThread,
  workerData,
} from 'node:worker_threads';
import { enterNetnsForGood, linuxNetnsCalls, type NetnsCalls, openSocket } from '../runtime/linux/netns';

const role = 'berth-netns-thread';
const callTimeoutMs = 30_000;

type Request =
  | { op: 'create'; path: string }
  | { op: 'bindSocket'; path: string; protocol: 'tcp' | 'udp'; address: string; port: number }
  | { op: 'openSocket'; protocol: 'tcp' | 'udp' };
type Reply = { value?: number; error?: string; code?: string };

interface ThreadData {
  role: typeof role;
  netns: string;
  port: MessagePort;
  flag: Int32Array;
}

/** The worker's side: enter the namespace, then answer each request and wake the caller. */
function serve(data: ThreadData): void {
  let entered: Error | undefined;
  try {
    enterNetnsForGood(data.netns);
  } catch (err) {
    entered = err as Error;
  }
  data.port.on('message', (req: Request) => {
    let reply: Reply;
    try {
      if (entered) throw entered;
      if (req.op === 'create') {
        linuxNetnsCalls.create(req.path);
        reply = {};
      } else if (req.op === 'bindSocket') {
        reply = { value: linuxNetnsCalls.bindSocket(req.path, req.protocol, req.address, req.port) };
      } else {
        reply = { value: openSocket(req.protocol) };
      }
    } catch (err) {
      reply = { error: (err as Error).message, code: (err as NodeJS.ErrnoException).code };
    }
    data.port.postMessage(reply);
    Atomics.store(data.flag, 0, 1);
    Atomics.notify(data.flag, 0);
  });
}

if (!isMainThread && (workerData as Partial<ThreadData> | undefined)?.role === role)
  serve(workerData as ThreadData);

/** The main thread's side: NetnsCalls carried out in the rootless namespace, plus sockets there. */
export class NetnsThread implements NetnsCalls {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));

  constructor(netns: string) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    // This very file (or the bundle it is part of) runs the worker: see serve() above.
    const data: ThreadData = { role, netns, port: port2, flag: this.flag };
    this.worker = new Worker(__filename, { workerData: data, transferList: [port2] });
    this.worker.unref();
  }

  private call(req: Request): number | undefined {
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage(req);
    if (Atomics.wait(this.flag, 0, 0, callTimeoutMs) === 'timed-out')
      throw new Error(
        `berthd's network namespace thread did not answer ${req.op} in ${callTimeoutMs / 1000} s`,
      );
    const reply = receiveMessageOnPort(this.port)?.message as Reply | undefined;
    if (!reply) throw new Error(`berthd's network namespace thread answered ${req.op} with nothing`);
    if (reply.error !== undefined) throw Object.assign(new Error(reply.error), { code: reply.code });
    return reply.value;
  }

  create(path: string): void {
    this.call({ op: 'create', path });
  }

  remove(path: string): void {
    // Unpinning is a mount matter, not a network one: any thread may do it.
    linuxNetnsCalls.remove(path);
  }

  bindSocket(path: string, protocol: 'tcp' | 'udp', address: string, port: number): number {
    return this.call({ op: 'bindSocket', path, protocol, address, port })!;
  }

  /** A socket in the rootless namespace itself (unbound), to reach containers' addresses. */
  openSocket(protocol: 'tcp' | 'udp'): number {
    return this.call({ op: 'openSocket', protocol })!;
  }

  close(): Promise<number> {
    this.port.close();
    return this.worker.terminate();
  }
}
