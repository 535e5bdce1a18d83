import { flagString } from '../args';
import { renderTemplate } from '../render/table';
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
    if (format && format !== 'json') {
      for (const r of results) ctx.stdout.write(renderTemplate(format, r as Record<string, unknown>) + '\n');
    } else {
      ctx.stdout.write(JSON.stringify(results, null, 4) + '\n');
    }
    return status;
  },
};
