import { flagBool, flagString } from '../args';
import { ProgressRenderer } from '../render/progress';
import type { Command } from './command';
import { pullOnDaemon } from '../daemon/images';

export const pull: Command = {
  name: 'pull',
  usage: 'berth pull [OPTIONS] NAME[:TAG|@DIGEST]',
  summary: 'Download an image from a registry',
  engine: 'either',
  flags: [
    {
      name: 'platform',
      type: 'string',
      description: 'Set platform if server is multi-platform capable (e.g. linux/arm64)',
      value: 'string',
    },
    { name: 'quiet', short: 'q', type: 'boolean', description: 'Suppress verbose output' },
  ],
  args: [1, 1],
  async run(ctx, args) {
    const quiet = flagBool(args, 'quiet');
    const renderer = new ProgressRenderer(ctx.stdout, !!ctx.stdout.isTTY, ctx.stdout.columns ?? 80);
    const platform = flagString(args, 'platform');
    const onProgress = (m: Parameters<typeof renderer.message>[0]): void => {
      if (!quiet) renderer.message(m);
    };
    const daemon = await ctx.daemonIfRunning();
    const result = daemon
      ? await pullOnDaemon(daemon, args.positional[0], platform, onProgress)
      : await ctx.backend.pull(args.positional[0], { ...(platform && { platform }) }, onProgress);
    ctx.stdout.write(`${result.name}\n`);
  },
};
