import { flagBool } from '../args';
import type { Command } from './command';

export const rmi: Command = {
  name: 'rmi',
  usage: 'berth rmi [OPTIONS] IMAGE [IMAGE...]',
  summary: 'Remove one or more images',
  flags: [
    { name: 'force', short: 'f', type: 'boolean', description: 'Force removal of the image' },
    { name: 'no-prune', type: 'boolean', description: 'Do not delete untagged parents' },
  ],
  args: [1],
  complete: ['image'],
  async run(ctx, args) {
    let status = 0;
    for (const name of args.positional) {
      try {
        const items = ctx.backend.remove(name, {
          force: flagBool(args, 'force'),
          noPrune: flagBool(args, 'no-prune'),
        });
        for (const item of items)
          ctx.stdout.write(
            'Untagged' in item ? `Untagged: ${item.Untagged}\n` : `Deleted: ${item.Deleted}\n`,
          );
      } catch (err) {
        ctx.stderr.write(`Error response from berth: ${(err as Error).message}\n`);
        status = 1;
      }
    }
    return status;
  },
};
