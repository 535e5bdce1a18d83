import type { Command } from './command';

export const tag: Command = {
  name: 'tag',
  usage: 'berth tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]',
  summary: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE',
  flags: [],
  args: [2, 2],
  complete: ['image', 'image'],
  async run(ctx, args) {
    ctx.backend.tag(args.positional[0], args.positional[1]);
  },
};
