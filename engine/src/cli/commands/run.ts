import { flagList, flagString, UsageError } from '../args';
import type { Command } from './command';
import { createFlags } from './containers/create-options';
import { createContainer, runOnDaemon } from './containers/run-on-daemon';

/** What the in-process run (no daemon) can honour; any other flag needs berthd. */
const inProcessFlags = new Set(['env', 'entrypoint', 'workdir', 'user', 'network', 'rm']);

export const run: Command = {
  name: 'run',
  usage: 'berth run [OPTIONS] IMAGE [COMMAND] [ARG...]',
  summary: 'Run a command in a new container',
  engine: 'either',
  flags: createFlags,
  args: [1],
  complete: ['image'],
  stopAtPositional: true,
  async run(ctx, args) {
    const daemon = await ctx.daemonIfRunning();
    if (daemon) return runOnDaemon(ctx, daemon, args);
    // No daemon: run once in this process, as podman does without its service.
    const needsDaemon = [...args.flags.keys()].filter((f) => !inProcessFlags.has(f));
    if (needsDaemon.length > 0) {
      throw new UsageError(
        `--${needsDaemon[0]} needs the engine daemon, and none answers: start it with \`berthd &\` (or run without it)`,
      );
    }
    const network = flagString(args, 'network') ?? 'host';
    if (network !== 'host' && network !== 'none') {
      throw new UsageError(
        `--network ${network} needs the engine daemon, and none answers: start it with \`berthd &\`, or use host or none`,
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

export const create: Command = {
  name: 'create',
  usage: 'berth create [OPTIONS] IMAGE [COMMAND] [ARG...]',
  summary: 'Create a new container',
  engine: 'daemon',
  flags: createFlags.filter((f) => f.name !== 'detach' && f.name !== 'rm'),
  args: [1],
  complete: ['image'],
  stopAtPositional: true,
  async run(ctx, args) {
    ctx.stdout.write(`${await createContainer(ctx, await ctx.daemon(), args)}\n`);
  },
};
