import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { flagString } from '../args';
import type { Command } from './command';
import { saveOnDaemon } from '../daemon/images';

export const save: Command = {
  name: 'save',
  usage: 'berth save [OPTIONS] IMAGE [IMAGE...]',
  summary: 'Save one or more images to a tar archive (streamed to STDOUT by default)',
  engine: 'either',
  flags: [
    {
      name: 'output',
      short: 'o',
      type: 'string',
      description: 'Write to a file, instead of STDOUT',
      value: 'string',
    },
  ],
  args: [1],
  complete: ['image'],
  async run(ctx, args) {
    const output = flagString(args, 'output');
    if (!output && ctx.stdout.isTTY) {
      ctx.stderr.write('cowardly refusing to save to a terminal. Use the -o flag or redirect\n');
      return 1;
    }
    const daemon = await ctx.daemonIfRunning();
    const archive = daemon ? await saveOnDaemon(daemon, args.positional) : ctx.backend.save(args.positional);
    if (!output) {
      await pipeline(archive, ctx.stdout, { end: false });
      return;
    }
    // Written beside the target and renamed, so a failed save leaves no half archive behind.
    const tmp = `${output}.berth-tmp`;
    try {
      await pipeline(archive, createWriteStream(tmp, { mode: 0o644 }));
      renameSync(tmp, output);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
  },
};
