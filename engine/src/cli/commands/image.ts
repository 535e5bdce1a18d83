import { flagBool } from '../args';
import { humanSize } from '../render/units';
import type { Command } from './command';
import { confirm } from './prompt';

const pruneFlags = [
  {
    name: 'all',
    short: 'a',
    type: 'boolean' as const,
    description: 'Remove all unused images, not just dangling ones',
  },
  { name: 'force', short: 'f', type: 'boolean' as const, description: 'Do not prompt for confirmation' },
];

const prune: Command = {
  name: 'prune',
  usage: 'berth image prune [OPTIONS]',
  summary: 'Remove unused images',
  flags: pruneFlags,
  args: [0, 0],
  async run(ctx, parsed) {
    const all = flagBool(parsed, 'all');
    if (!flagBool(parsed, 'force')) {
      const what = all
        ? 'all images without at least one container associated to them'
        : 'all dangling images';
      if (!(await confirm(ctx, `WARNING! This will remove ${what}.`))) return 0;
    }
    const { deleted, spaceReclaimed } = ctx.backend.prune({ all });
    if (deleted.length > 0) {
      ctx.stdout.write('Deleted Images:\n');
      for (const item of deleted)
        ctx.stdout.write('Untagged' in item ? `untagged: ${item.Untagged}\n` : `deleted: ${item.Deleted}\n`);
      ctx.stdout.write('\n');
    }
    ctx.stdout.write(`Total reclaimed space: ${humanSize(spaceReclaimed)}\n`);
  },
};

/** `berth image prune`; the other `image` verbs are aliases (`image ls` is `images`…, see index.ts). */
export const image: Command = {
  name: 'image',
  usage: 'berth image COMMAND',
  summary: 'Manage images',
  flags: [],
  args: [0],
  subcommands: [prune],
  run: async () => {},
};
