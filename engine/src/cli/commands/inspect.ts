import { flagString } from '../args';
import { DaemonError, type DaemonApi } from '../daemon/client';
import { formatFlag, formatInspect } from '../render/format';
import type { Command } from './command';
import { forEachName, withoutDaemonPrefix } from './each-name';

/** Where each type is inspected, in the order docker tries them for a bare name. */
const endpoints: Record<string, (name: string) => string> = {
  container: (n) => `/containers/${encodeURIComponent(n)}/json`,
  image: (n) => `/images/${encodeURIComponent(n)}/json`,
  volume: (n) => `/volumes/${encodeURIComponent(n)}`,
  network: (n) => `/networks/${encodeURIComponent(n)}`,
};

async function inspectOnDaemon(daemon: DaemonApi, name: string, type: string | undefined): Promise<unknown> {
  for (const t of type ? [type] : Object.keys(endpoints)) {
    try {
      return await daemon.get(endpoints[t](name));
    } catch (err) {
      if (!(err instanceof DaemonError) || err.status !== 404) throw err;
    }
  }
  throw new Error(`No such object: ${name}`);
}

export const inspect: Command = {
  name: 'inspect',
  usage: 'berth inspect [OPTIONS] NAME|ID [NAME|ID...]',
  summary: 'Return low-level information on containers, images, volumes or networks',
  engine: 'either',
  flags: [
    formatFlag('{{.Id}}', { table: false, short: true }),
    {
      name: 'type',
      type: 'string',
      complete: ['container', 'image', 'volume', 'network'],
      description: 'Only inspect objects of this type (container, image, volume, network)',
      value: 'string',
    },
  ],
  args: [1],
  complete: ['image'],
  async run(ctx, args) {
    const type = flagString(args, 'type');
    if (type !== undefined && !(type in endpoints)) {
      ctx.stderr.write(
        `"${type}" is not a valid value for --type: use container, image, volume or network\n`,
      );
      return 1;
    }
    const daemon = await ctx.daemonIfRunning();
    if (!daemon && type !== undefined && type !== 'image') {
      ctx.stderr.write(
        `inspecting a ${type} needs the engine daemon, and none answers: start it with \`berthd &\`\n`,
      );
      return 1;
    }
    const format = flagString(args, 'format');
    const results: unknown[] = [];
    const status = await forEachName(
      ctx,
      args.positional,
      async (name) => {
        results.push(daemon ? await inspectOnDaemon(daemon, name, type) : ctx.backend.inspect(name));
      },
      (message) => `Error: ${withoutDaemonPrefix(message)}`,
    );
    ctx.stdout.write(formatInspect(results, format));
    return status;
  },
};
