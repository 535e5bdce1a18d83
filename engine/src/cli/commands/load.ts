import { createReadStream } from 'node:fs';
import { flagBool, flagString } from '../args';
import type { Command } from './command';
import { loadOnDaemon } from '../daemon/images';
import { JsonStreamRenderer } from '../render/json-stream';

export const load: Command = {
  name: 'load',
  usage: 'berth load [OPTIONS]',
  summary: 'Load images from a tar archive (docker save, podman save, OCI layout) or STDIN',
  engine: 'either',
  flags: [
    {
      name: 'input',
      short: 'i',
      type: 'string',
      description: 'Read from tar archive file, instead of STDIN',
      value: 'string',
    },
    { name: 'quiet', short: 'q', type: 'boolean', description: 'Suppress the load output' },
  ],
  args: [0, 0],
  async run(ctx, args) {
    const input = flagString(args, 'input');
    if (!input && ctx.stdin.isTTY) {
      ctx.stderr.write('requested load from stdin, but stdin is empty; use -i FILE or redirect an archive\n');
      return 1;
    }
    const source = input ? createReadStream(input) : ctx.stdin;
    const quiet = flagBool(args, 'quiet');
    const daemon = await ctx.daemonIfRunning();
    if (daemon) {
      const renderer = new JsonStreamRenderer(ctx.stdout, !!ctx.stdout.isTTY, ctx.stdout.columns ?? 80);
      await loadOnDaemon(daemon, source, quiet, renderer.message);
      return;
    }
    await ctx.backend.load(source, (line) => {
      if (!quiet) ctx.stdout.write(`${line}\n`);
    });
  },
};
