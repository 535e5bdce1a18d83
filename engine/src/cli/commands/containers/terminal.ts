// How our terminal stays linked to a container's process: its terminal kept the size of ours, and,
// without a TTY, the signals the user sends us passed on to it.
import type { CliContext } from '../command';

export function resizeWith(
  ctx: Pick<CliContext, 'stdout'>,
  resize: (h: number, w: number) => Promise<unknown>,
): () => void {
  const out = ctx.stdout as CliContext['stdout'] & { rows?: number; columns?: number };
  if (!out.isTTY || !out.rows || !out.columns) return () => {};
  const send = (): void => {
    if (out.rows && out.columns) resize(out.rows, out.columns).catch(() => undefined);
  };
  send();
  process.on('SIGWINCH', send);
  return () => process.off('SIGWINCH', send);
}

/**
 * Passes SIGINT, SIGTERM and SIGHUP on to the container through `kill`, as docker run and docker
 * attach do without a TTY (with one, ^C reaches the process as input). Returns the undo.
 */
export function proxySignals(kill: (signal: NodeJS.Signals) => Promise<unknown>): () => void {
  const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map(
    (signal) => [signal, () => void kill(signal).catch(() => undefined)] as const,
  );
  for (const [signal, handler] of handlers) process.on(signal, handler);
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}
