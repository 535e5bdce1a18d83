import { flagBool } from '../args';
import type { Command } from './command';
import { forEachName, withoutDaemonPrefix } from './each-name';
import { removeOnDaemon } from '../daemon/images';

export const rmi: Command = {
  name: 'rmi',
  usage: 'berth rmi [OPTIONS] IMAGE [IMAGE...]',
  summary: 'Remove one or more images',
  engine: 'either',
  flags: [
    { name: 'force', short: 'f', type: 'boolean', description: 'Force removal of the image' },
    { name: 'no-prune', type: 'boolean', description: 'Do not delete untagged parents' },
  ],
  args: [1],
  complete: ['image'],
  async run(ctx, args) {
    const daemon = await ctx.daemonIfRunning();
    const options = { force: flagBool(args, 'force'), noPrune: flagBool(args, 'no-prune') };
    return forEachName(
      ctx,
      args.positional,
      async (name) => {
        const items = daemon
          ? await removeOnDaemon(daemon, name, options)
          : ctx.backend.remove(name, options);
        for (const item of items)
          ctx.stdout.write(
            'Untagged' in item ? `Untagged: ${item.Untagged}\n` : `Deleted: ${item.Deleted}\n`,
          );
      },
      (message) => `Error response from ${daemon ? 'daemon' : 'berth'}: ${withoutDaemonPrefix(message)}`,
    );
  },
};
