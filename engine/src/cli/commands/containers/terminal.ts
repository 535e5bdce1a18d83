// Keeps a container's (or exec's) terminal the size of ours: once now, then on every SIGWINCH.
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
