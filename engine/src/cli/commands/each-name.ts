// Docker's verbs that take several names act on each in turn: a failure prints its message and the
// verb goes on with the next name, exiting 1 at the end if any failed.
import type { CliContext } from './command';

export async function forEachName(
  ctx: CliContext,
  names: readonly string[],
  act: (name: string) => Promise<void>,
): Promise<number> {
  let status = 0;
  for (const name of names) {
    try {
      await act(name);
    } catch (err) {
      ctx.stderr.write(`${(err as Error).message}\n`);
      status = 1;
    }
  }
  return status;
}
