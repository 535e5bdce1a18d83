// A pipe's buffered bytes vanish when the last process holding it goes away. A container whose
// output berthd has not taken yet (berthd was killed) would take them with it when it exits, so a
// tiny process holds a read end of each output FIFO for the whole run, without reading: the bytes
// wait in the pipe until a berthd takes them, and end of file still comes when the container's
// writers are gone. For a TTY it also holds the pty master, so the container gets no hangup when
// berthd dies, and a restarted berthd takes the master back from it (pidfd_getfd) to resize it.
// Like podman's conmon, minus everything else conmon does.
//
// A TTY's output is copied from the master into a FIFO by a relay (`cat`), and its input from a
// FIFO into the master by another: berthd itself never reads the master, so its output takes the
// FIFO way (spliced into spools, nothing only in berthd's memory) and a SIGKILL of berthd loses
// nothing. The relays live in their own session like the holder and are ended with it.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { takeFdFrom } from '../../runtime/linux/pidfd';
import { processStartTime } from '../../runtime/state';

const holderFile = 'output-holder.json';

interface HelperProcess {
  pid: number;
  startTime: string;
}

interface HolderRecord extends HelperProcess {
  relays?: HelperProcess[];
}

/** `command` in a session of its own with `stdio` only, outliving berthd. */
function startHelper(command: string, args: string[], stdio: (number | 'ignore')[]): HelperProcess {
  const child = spawn(command, args, { stdio, detached: true, env: {} });
  child.on('error', () => undefined);
  child.unref();
  if (child.pid === undefined)
    throw new Error(`could not start the output holder (${command}): is coreutils installed?`);
  return { pid: child.pid, startTime: processStartTime(child.pid) ?? '' };
}

/**
 * Starts the holder of `fds` (the read ends of the output FIFOs in `dir`, the runtime dir; for a TTY
 * the master first) and the relays that copy each `from` into its `to`.
 */
export function startOutputHolder(
  dir: string,
  fds: number[],
  relays: { from: number; to: number }[] = [],
): void {
  const holder = startHelper('sleep', ['infinity'], ['ignore', 'ignore', 'ignore', ...fds]);
  const record: HolderRecord = {
    ...holder,
    relays: relays.map(({ from, to }) => startHelper('cat', [], [from, to, 'ignore'])),
  };
  writeFileSync(join(dir, holderFile), JSON.stringify(record));
}

/** The same process, not a later one that reuses its pid. */
function alive(p: HelperProcess): boolean {
  return processStartTime(p.pid) === p.startTime;
}

function readRecord(dir: string): HolderRecord | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, holderFile), 'utf8')) as HolderRecord;
  } catch {
    return undefined;
  }
}

/** A copy of the `index`th descriptor the holder keeps (a TTY's pty master: 0). */
export function takeHeldFd(dir: string, index: number): number | undefined {
  const holder = readRecord(dir);
  return holder && alive(holder) ? takeFdFrom(holder.pid, 3 + index) : undefined;
}

/** Ends the holder and relays once the output is taken (the run is over); a no-op when there is none. */
export function stopOutputHolder(dir: string): void {
  const holder = readRecord(dir);
  if (!holder) return;
  for (const p of [holder, ...(holder.relays ?? [])]) {
    if (!alive(p)) continue;
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}
