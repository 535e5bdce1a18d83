// The container's stdin/stdout/stderr: the caller's fds, ours, /dev/null, or real pipes (not
// sockets: `echo > /dev/stdout` must work inside) whose parent ends become Node streams.
import { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { openSync } from 'node:fs';
import type { HostSyscalls } from './linux/host';

/** For each of stdin, stdout, stderr: an fd to hand over, ours, none, or a new pipe. */
export type StdioSpec = number | 'inherit' | 'ignore' | 'pipe';

export interface ProcessStreams {
  stdin?: Writable;
  stdout?: Readable;
  stderr?: Readable;
}

export interface PreparedStdio {
  /** Our fds to give the container as its 0, 1, 2. */
  child: [number, number, number];
  streams: ProcessStreams;
  /** Closes the child's ends (pipes, /dev/null) in this process, once the helper has them. */
  closeChildEnds(): void;
  /** Closes everything (a failed create). */
  closeAll(): void;
}

export function prepareStdio(specs: [StdioSpec, StdioSpec, StdioSpec], host: HostSyscalls): PreparedStdio {
  const childEnds: number[] = [];
  const streams: ProcessStreams = {};
  let devNull = -1;
  const child = specs.map((spec, i): number => {
    if (spec === 'inherit') return i;
    if (typeof spec === 'number') return spec;
    if (spec === 'ignore') {
      if (devNull < 0) {
        devNull = openSync('/dev/null', 'r+');
        childEnds.push(devNull);
      }
      return devNull;
    }
    const [r, w] = host.pipe();
    const [ours, theirs] = i === 0 ? [w, r] : [r, w];
    childEnds.push(theirs);
    const stream = new Socket({ fd: ours, readable: i !== 0, writable: i === 0 });
    if (i === 0) streams.stdin = stream;
    else if (i === 1) streams.stdout = stream;
    else streams.stderr = stream;
    return theirs;
  }) as [number, number, number];
  return {
    child,
    streams,
    closeChildEnds() {
      for (const fd of childEnds.splice(0)) host.close(fd);
    },
    closeAll() {
      this.closeChildEnds();
      for (const s of Object.values(streams) as Socket[]) s.destroy();
    },
  };
}
