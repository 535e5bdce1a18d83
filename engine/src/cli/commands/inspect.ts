import { flagString } from '../args';
import { formatInspect } from '../render/format';
import type { Command } from './command';

export const inspect: Command = {
  name: 'inspect',
  usage: 'berth inspect [OPTIONS] IMAGE [IMAGE...]',
  summary: 'Return low-level information on images',
  flags: [
    {
      name: 'format',
      short: 'f',
      type: 'string',
      complete: ['json'],
      description: 'Format output: json, or a Go-style template ({{.Id}})',
      value: 'string',
    },
    {
      name: 'type',
      type: 'string',
      description: 'Only inspect objects of this type (image)',
      value: 'string',
    },
  ],
  args: [1],
  complete: ['image'],
  async run(ctx, args) {
    const type = flagString(args, 'type');
    if (type !== undefined && type !== 'image') {
      ctx.stderr.write(`"${type}" is not a type berth can inspect yet: only images are supported\n`);
      return 1;
    }
    const format = flagString(args, 'format');
    const results: unknown[] = [];
    let status = 0;
    for (const name of args.positional) {
      try {
        results.push(ctx.backend.inspect(name));
      } catch (err) {
        ctx.stderr.write(`Error: ${(err as Error).message}\n`);
        status = 1;
      }
    }
    ctx.stdout.write(formatInspect(results, format));
    return status;
  },
};
