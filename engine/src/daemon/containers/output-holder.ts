// A pipe's buffered bytes vanish when the last process holding it goes away. A container whose
// output berthd has not taken yet (berthd was killed) would take them with it when it exits, so a
// tiny process holds a read end of each output FIFO for the whole run, without reading: the bytes
// wait in the pipe until a berthd takes them, and end of file still comes when the container's
// writers are gone. For a TTY it holds the pty master, so the container gets no hangup when
// berthd dies, and a restarted berthd takes the master back from it (pidfd_getfd). Like podman's
// conmon, minus everything else conmon does.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { takeFdFrom } from '../../runtime/linux/pidfd';
import { processStartTime } from '../../runtime/state';

const holderFile = 'output-holder.json';

/** Starts the holder of `fds` (the read ends of the output FIFOs in `dir`, the runtime dir). */
export function startOutputHolder(dir: string, fds: number[]): void {
  const child = spawn('sleep', ['infinity'], {
    stdio: ['ignore', 'ignore', 'ignore', ...fds],
    detached: true,
    env: {},
  });
  child.on('error', () => undefined);
  child.unref();
  if (child.pid === undefined)
    throw new Error('could not start the output holder (sleep): is coreutils installed?');
  writeFileSync(
    join(dir, holderFile),
    JSON.stringify({ pid: child.pid, startTime: processStartTime(child.pid) ?? '' }),
  );
}

/** The holder started for the run whose runtime dir is `dir`, if it is still alive. */
function liveHolder(dir: string): { pid: number; startTime: string } | undefined {
  let holder: { pid: number; startTime: string };
  try {
    holder = JSON.parse(readFileSync(join(dir, holderFile), 'utf8')) as typeof holder;
  } catch {
    return undefined;
  }
  // The same process, not a later one that reuses its pid.
  return processStartTime(holder.pid) === holder.startTime ? holder : undefined;
}

/** A copy of the `index`th descriptor the holder keeps (a TTY's pty master: 0). */
export function takeHeldFd(dir: string, index: number): number | undefined {
  const holder = liveHolder(dir);
  return holder ? takeFdFrom(holder.pid, 3 + index) : undefined;
}

/** Ends the holder once the output is taken (the run is over); a no-op when there is none. */
export function stopOutputHolder(dir: string): void {
  const holder = liveHolder(dir);
  if (!holder) return;
  try {
    process.kill(holder.pid, 'SIGKILL');
  } catch {
    // gone meanwhile
  }
}
