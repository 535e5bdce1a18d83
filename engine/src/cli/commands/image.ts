import { flagBool } from '../args';
import { humanSize } from '../render/units';
import type { CliContext, Command } from './command';

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
      ctx.stderr.write(`WARNING! This will remove ${what}.\nAre you sure you want to continue? [y/N] `);
      if (!/^y(es)?$/i.test((await readLine(ctx)).trim())) return 0;
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

/** The answer to the prompt: stdin's first line (empty at end of input, which means no). */
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

/** `berth image prune`; the other `image` verbs are aliases (`image ls` is `images`…). */
export const image: Command = {
  name: 'image',
  usage: 'berth image COMMAND',
  summary: 'Manage images (image prune; image ls, rm, pull… are the top-level verbs)',
  flags: [],
  args: [0],
  subcommands: [prune],
  run: async () => {},
};
