import { flagString } from '../args';
import { archiveOutputAllowed, writeArchive } from './archive-output';
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
    if (!archiveOutputAllowed(ctx, output)) return 1;
    const daemon = await ctx.daemonIfRunning();
    const archive = daemon ? await saveOnDaemon(daemon, args.positional) : ctx.backend.save(args.positional);
    await writeArchive(ctx, archive, output);
  },
};
