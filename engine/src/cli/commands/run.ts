import { flagList, flagString, UsageError } from '../args';
import type { Command } from './command';

export const run: Command = {
  name: 'run',
  usage: 'berth run [OPTIONS] IMAGE [COMMAND] [ARG...]',
  summary: 'Run a command in a new container (in-process, removed when it exits)',
  flags: [
    {
      name: 'env',
      short: 'e',
      type: 'list',
      description: 'Set environment variables (KEY=VALUE), repeatable',
      value: 'list',
    },
    {
      name: 'entrypoint',
      type: 'string',
      description: 'Overwrite the default ENTRYPOINT of the image',
      value: 'string',
    },
    {
      name: 'workdir',
      short: 'w',
      type: 'string',
      description: 'Working directory inside the container',
      value: 'string',
    },
    {
      name: 'user',
      short: 'u',
      type: 'string',
      description: 'Username or UID (format: <name|uid>[:<group|gid>])',
      value: 'string',
    },
    { name: 'network', type: 'string', description: 'Network: host (default) or none', value: 'string' },
    { name: 'rm', type: 'boolean', description: 'Remove the container when it exits (always, for now)' },
  ],
  args: [1],
  complete: ['image'],
  stopAtPositional: true,
  async run(ctx, args) {
    const network = flagString(args, 'network') ?? 'host';
    if (network !== 'host' && network !== 'none') {
      throw new UsageError(
        `invalid --network "${network}": use host or none (bridge networking is not there yet)`,
      );
    }
    const [image, ...command] = args.positional;
    const env = flagList(args, 'env').map((e) => (e.includes('=') ? e : `${e}=${process.env[e] ?? ''}`));
    const entrypoint = flagString(args, 'entrypoint');
    const workdir = flagString(args, 'workdir');
    const user = flagString(args, 'user');
    return ctx.backend.run(
      {
        image,
        command,
        env,
        network,
        ...(entrypoint !== undefined && { entrypoint }),
        ...(workdir && { workdir }),
        ...(user && { user }),
      },
      { stdout: (c) => ctx.stdout.write(c), stderr: (c) => ctx.stderr.write(c) },
    );
  },
};
