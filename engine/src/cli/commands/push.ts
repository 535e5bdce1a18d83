import { flagBool } from '../args';
import { ProgressRenderer } from '../render/progress';
import type { Command } from './command';
import { pushOnDaemon } from '../daemon/images';

export const push: Command = {
  name: 'push',
  usage: 'berth push [OPTIONS] NAME[:TAG]',
  summary: 'Upload an image to a registry',
  engine: 'either',
  flags: [{ name: 'quiet', short: 'q', type: 'boolean', description: 'Suppress verbose output' }],
  args: [1, 1],
  complete: ['image'],
  async run(ctx, args) {
    const quiet = flagBool(args, 'quiet');
    const renderer = new ProgressRenderer(ctx.stdout, !!ctx.stdout.isTTY, ctx.stdout.columns ?? 80);
    const onProgress = (m: Parameters<typeof renderer.message>[0]): void => {
      if (!quiet) renderer.message(m);
    };
    const daemon = await ctx.daemonIfRunning();
    const result = daemon
      ? await pushOnDaemon(daemon, args.positional[0], onProgress)
      : await ctx.backend.push(args.positional[0], onProgress);
    if (quiet) ctx.stdout.write(`${args.positional[0]}\n`);
    return result.digest ? 0 : 1;
  },
};
