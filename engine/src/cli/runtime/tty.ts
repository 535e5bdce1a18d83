// `run -t` / `exec -t` without --console-socket: the container's pty master bridged to our own
// terminal (raw mode while it runs), as runc does.
import { closeSync, createReadStream, writeSync } from 'node:fs';

export function bridgeTerminal(master: number): { done: Promise<void> } {
  const stdin = process.stdin;
  const raw = stdin.isTTY;
  if (raw) stdin.setRawMode(true);
  const onInput = (chunk: Buffer) => {
    try {
      writeSync(master, chunk);
    } catch {
      // the container closed its terminal
    }
  };
  stdin.on('data', onInput);
  const output = createReadStream('', { fd: master, autoClose: false });
  output.on('data', (chunk) => process.stdout.write(chunk));
  const done = new Promise<void>((resolve) => {
    // EIO when the last holder of the slave side exits: the session is over.
    const finish = () => {
      stdin.off('data', onInput);
      stdin.pause();
      if (raw) stdin.setRawMode(false);
      closeSync(master);
      resolve();
    };
    output.on('error', finish);
    output.on('end', finish);
  });
  return { done };
}

/** The size our terminal has, for process.consoleSize. */
export function terminalSize(): { height: number; width: number } | undefined {
  const out = process.stdout;
  return out.isTTY ? { height: out.rows, width: out.columns } : undefined;
}
