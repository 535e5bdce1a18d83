// Docker's `Are you sure you want to continue? [y/N]` before anything that deletes in bulk.
import type { CliContext } from './command';

/** Asks on stderr; true only for y/yes. End of input means no. */
export async function confirm(ctx: CliContext, warning: string): Promise<boolean> {
  ctx.stderr.write(`${warning}\nAre you sure you want to continue? [y/N] `);
  return /^y(es)?$/i.test((await readLine(ctx)).trim());
}

/** stdin's first line (empty at end of input). */
function readLine(ctx: CliContext): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const done = () => {
      ctx.stdin.off('data', onData);
      ctx.stdin.off('end', done);
      ctx.stdin.pause();
      resolve(text.split('\n')[0]);
    };
    const onData = (d: Buffer) => {
      text += d.toString();
      if (text.includes('\n')) done();
    };
    ctx.stdin.on('data', onData);
    ctx.stdin.on('end', done);
  });
}
