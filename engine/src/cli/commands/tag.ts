import type { Command } from './command';
import { tagOnDaemon } from '../daemon/images';

export const tag: Command = {
  name: 'tag',
  usage: 'berth tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]',
  summary: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE',
  engine: 'either',
  flags: [],
  args: [2, 2],
  complete: ['image', 'image'],
  async run(ctx, args) {
    const [source, target] = args.positional;
    const daemon = await ctx.daemonIfRunning();
    if (daemon) await tagOnDaemon(daemon, source, target);
    else ctx.backend.tag(source, target);
  },
};
