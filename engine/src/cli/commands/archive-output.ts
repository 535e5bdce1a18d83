// Where `save` and `export` put the tar they receive: a file (-o) or stdout, never a terminal.
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { CliContext } from './command';

/** False (after saying why) when the archive would go to a terminal: docker refuses that too. */
export function archiveOutputAllowed(ctx: CliContext, output: string | undefined): boolean {
  if (output || !ctx.stdout.isTTY) return true;
  ctx.stderr.write('cowardly refusing to save to a terminal. Use the -o flag or redirect\n');
  return false;
}

/**
 * Writes the archive to `output`, or to stdout when there is none. A file is written beside the
 * target and renamed, so a failure leaves no half archive behind.
 */
export async function writeArchive(
  ctx: CliContext,
  archive: Readable,
  output: string | undefined,
): Promise<void> {
  if (!output) {
    await pipeline(archive, ctx.stdout, { end: false });
    return;
  }
  const tmp = `${output}.berth-tmp`;
  try {
    await pipeline(archive, createWriteStream(tmp, { mode: 0o644 }));
    renameSync(tmp, output);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
