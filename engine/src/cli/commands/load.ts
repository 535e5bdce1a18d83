import { createReadStream } from 'node:fs';
import { flagBool, flagString } from '../args';
import type { Command } from './command';

export const load: Command = {
  name: 'load',
  usage: 'berth load [OPTIONS]',
  summary: 'Load images from a tar archive (docker save, podman save, OCI layout) or STDIN',
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
    await ctx.backend.load(source, (line) => {
      if (!quiet) ctx.stdout.write(`${line}\n`);
    });
  },
};
