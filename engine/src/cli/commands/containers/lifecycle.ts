// Verbs that act on existing containers by name or ID, one request each, printing each argument as
// docker does and going on past failures (exit 1 if any failed).
import { flagBool, flagString, type ParsedArgs } from '../../args';
import type { DaemonApi } from '../../daemon/client';
import { tabulate } from '../../render/format';
import type { Command } from '../command';
import { forEachName } from '../each-name';

const path = (id: string, action = ''): string => `/containers/${encodeURIComponent(id)}${action}`;

const timeFlags = [
  {
    name: 'time',
    short: 't',
    type: 'string' as const,
    description: 'Seconds to wait before killing the container',
    value: 'int',
  },
  {
    name: 'signal',
    short: 's',
    type: 'string' as const,
    description: 'Signal to send to the container',
    value: 'string',
  },
];

/** The query of stop and restart, from `timeFlags`. */
function timeQuery(args: ParsedArgs): Record<string, string | undefined> {
  return { t: flagString(args, 'time'), signal: flagString(args, 'signal') };
}

function lifecycleVerb(
  name: string,
  summary: string,
  flags: Command['flags'],
  act: (daemon: DaemonApi, id: string, args: ParsedArgs) => Promise<string | void>,
): Command {
  return {
    name,
    usage: `berth ${name} [OPTIONS] CONTAINER [CONTAINER...]`,
    summary,
    engine: 'daemon',
    flags,
    args: [1],
    complete: ['container'],
    async run(ctx, args) {
      const daemon = await ctx.daemon();
      return forEachName(ctx, args.positional, async (id) => {
        const shown = await act(daemon, id, args);
        ctx.stdout.write(`${shown ?? id}\n`);
      });
    },
  };
}

export const start = lifecycleVerb('start', 'Start one or more stopped containers', [], async (d, id) => {
  await d.post(path(id, '/start'));
});

export const stop = lifecycleVerb(
  'stop',
  'Stop one or more running containers',
  timeFlags,
  async (d, id, args) => {
    await d.post(path(id, '/stop'), undefined, timeQuery(args));
  },
);

export const restart = lifecycleVerb(
  'restart',
  'Restart one or more containers',
  timeFlags,
  async (d, id, args) => {
    await d.post(path(id, '/restart'), undefined, timeQuery(args));
  },
);

export const kill = lifecycleVerb(
  'kill',
  'Kill one or more running containers',
  [
    {
      name: 'signal',
      short: 's',
      type: 'string',
      description: 'Signal to send to the container',
      value: 'string',
    },
  ],
  async (d, id, args) => {
    await d.post(path(id, '/kill'), undefined, { signal: flagString(args, 'signal') });
  },
);

export const rm = lifecycleVerb(
  'rm',
  'Remove one or more containers',
  [
    {
      name: 'force',
      short: 'f',
      type: 'boolean',
      description: 'Force the removal of a running container (uses SIGKILL)',
    },
    {
      name: 'volumes',
      short: 'v',
      type: 'boolean',
      description: 'Remove anonymous volumes associated with the container',
    },
  ],
  async (d, id, args) => {
    await d.delete(path(id), {
      force: flagBool(args, 'force') || undefined,
      v: flagBool(args, 'volumes') || undefined,
    });
  },
);

export const pause = lifecycleVerb(
  'pause',
  'Pause all processes within one or more containers',
  [],
  async (d, id) => {
    await d.post(path(id, '/pause'));
  },
);

export const unpause = lifecycleVerb(
  'unpause',
  'Unpause all processes within one or more containers',
  [],
  async (d, id) => {
    await d.post(path(id, '/unpause'));
  },
);

export const wait = lifecycleVerb(
  'wait',
  'Block until one or more containers stop, then print their exit codes',
  [],
  async (d, id) => {
    const result = await d.post<{ StatusCode: number }>(path(id, '/wait'));
    return String(result.StatusCode);
  },
);

export const rename: Command = {
  name: 'rename',
  usage: 'berth rename CONTAINER NEW_NAME',
  summary: 'Rename a container',
  engine: 'daemon',
  flags: [],
  args: [2, 2],
  complete: ['container'],
  async run(ctx, args) {
    const [id, name] = args.positional;
    await (await ctx.daemon()).post(path(id, '/rename'), undefined, { name });
  },
};

export const top: Command = {
  name: 'top',
  usage: 'berth top CONTAINER [ps OPTIONS]',
  summary: 'Display the running processes of a container',
  engine: 'daemon',
  flags: [],
  args: [1],
  stopAtPositional: true,
  complete: ['container'],
  async run(ctx, args) {
    const [id, ...psArgs] = args.positional;
    const top = await (
      await ctx.daemon()
    ).get<{ Titles: string[]; Processes: string[][] }>(path(id, '/top'), {
      ps_args: psArgs.length ? psArgs.join(' ') : undefined,
    });
    ctx.stdout.write(tabulate([top.Titles, ...top.Processes]));
  },
};
