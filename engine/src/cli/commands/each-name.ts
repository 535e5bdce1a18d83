// Docker's verbs that take several names act on each in turn: a failure prints its message and the
// verb goes on with the next name, exiting 1 at the end if any failed.
import type { CliContext } from './command';

/** `errorLine` words a failure's message (by default as it is). */
export async function forEachName(
  ctx: CliContext,
  names: readonly string[],
  act: (name: string) => Promise<void> | void,
  errorLine: (message: string) => string = (message) => message,
): Promise<number> {
  let status = 0;
  for (const name of names) {
    try {
      await act(name);
    } catch (err) {
      ctx.stderr.write(`${errorLine((err as Error).message)}\n`);
      status = 1;
    }
  }
  return status;
}

/** A daemon error's message without docker's `Error response from daemon: `, to word it otherwise. */
export function withoutDaemonPrefix(message: string): string {
  return message.replace(/^Error response from daemon: /, '');
}
