// `berth volume create|ls|rm|inspect|prune`, over berthd's /volumes endpoints.
import { flagBool, flagList, flagString } from '../args';
import { formatFlag, formatInspect, formatRows, type Column } from '../render/format';
import { humanSize, labelList } from '../render/units';
import type { Command } from './command';
import { forEachName } from './each-name';
import { filtersQuery, keyValueMap } from './filters';
import { confirm } from './prompt';

interface Volume {
  Name: string;
  Driver: string;
  Mountpoint: string;
  Labels: Record<string, string> | null;
  Scope: string;
  CreatedAt?: string;
  Options?: Record<string, string> | null;
  UsageData?: { Size: number; RefCount: number } | null;
}

const filterFlag = {
  name: 'filter',
  short: 'f',
  type: 'list' as const,
  description: 'Provide filter values (e.g. "dangling=true", "label=k=v", "name=x", "driver=local")',
  value: 'filter',
};

const create: Command = {
  name: 'create',
  usage: 'berth volume create [OPTIONS] [VOLUME]',
  summary: 'Create a volume',
  engine: 'daemon',
  flags: [
    {
      name: 'driver',
      short: 'd',
      type: 'string',
      description: 'Volume driver name (local)',
      value: 'string',
      complete: ['local'],
    },
    { name: 'label', type: 'list', description: 'Set metadata for a volume (key=value)', value: 'list' },
    {
      name: 'opt',
      short: 'o',
      type: 'list',
      description: 'Set driver specific options (type, device, o)',
      value: 'map',
    },
    { name: 'name', type: 'string', description: 'Volume name (instead of the argument)', value: 'string' },
  ],
  args: [0, 1],
  async run(ctx, args) {
    const volume = await (
      await ctx.daemon()
    ).post<Volume>('/volumes/create', {
      Name: args.positional[0] ?? flagString(args, 'name') ?? '',
      Driver: flagString(args, 'driver') ?? 'local',
      DriverOpts: keyValueMap(flagList(args, 'opt')),
      Labels: keyValueMap(flagList(args, 'label')),
    });
    ctx.stdout.write(`${volume.Name}\n`);
  },
};

const columns: Column<Volume>[] = [
  { header: 'DRIVER', field: 'Driver', value: (v) => v.Driver },
  { header: 'VOLUME NAME', field: 'Name', value: (v) => v.Name },
];

function fields(v: Volume): Record<string, unknown> {
  return {
    Availability: 'N/A',
    Group: 'N/A',
    Labels: labelList(v.Labels),
    Links: v.UsageData ? String(v.UsageData.RefCount) : 'N/A',
    Mountpoint: v.Mountpoint,
    Scope: v.Scope,
    Size: v.UsageData && v.UsageData.Size >= 0 ? humanSize(v.UsageData.Size) : 'N/A',
    Status: 'N/A',
  };
}

const ls: Command = {
  name: 'ls',
  usage: 'berth volume ls [OPTIONS]',
  summary: 'List volumes',
  engine: 'daemon',
  flags: [
    { name: 'quiet', short: 'q', type: 'boolean', description: 'Only display volume names' },
    filterFlag,
    formatFlag('{{.Name}}'),
  ],
  args: [0, 0],
  async run(ctx, args) {
    const filters = filtersQuery(flagList(args, 'filter'), ['dangling', 'driver', 'label', 'name']);
    const { Volumes } = await (await ctx.daemon()).get<{ Volumes: Volume[] | null }>('/volumes', { filters });
    const volumes = (Volumes ?? []).sort((a, b) => a.Name.localeCompare(b.Name));
    if (flagBool(args, 'quiet')) {
      ctx.stdout.write(volumes.map((v) => `${v.Name}\n`).join(''));
      return;
    }
    ctx.stdout.write(formatRows(volumes, columns, flagString(args, 'format'), fields));
  },
};

const rm: Command = {
  name: 'rm',
  usage: 'berth volume rm [OPTIONS] VOLUME [VOLUME...]',
  summary: 'Remove one or more volumes',
  engine: 'daemon',
  flags: [
    { name: 'force', short: 'f', type: 'boolean', description: 'Do not fail when a volume does not exist' },
  ],
  args: [1],
  complete: ['volume'],
  async run(ctx, args) {
    const daemon = await ctx.daemon();
    const force = flagBool(args, 'force') ? '1' : undefined;
    return forEachName(ctx, args.positional, async (name) => {
      await daemon.delete(`/volumes/${encodeURIComponent(name)}`, { force });
      ctx.stdout.write(`${name}\n`);
    });
  },
};

const inspect: Command = {
  name: 'inspect',
  usage: 'berth volume inspect [OPTIONS] VOLUME [VOLUME...]',
  summary: 'Display detailed information on one or more volumes',
  engine: 'daemon',
  flags: [formatFlag('{{.Name}}', { table: false, short: true })],
  args: [1],
  complete: ['volume'],
  async run(ctx, args) {
    const daemon = await ctx.daemon();
    const found: Volume[] = [];
    const status = await forEachName(ctx, args.positional, async (name) => {
      found.push(await daemon.get<Volume>(`/volumes/${encodeURIComponent(name)}`));
    });
    ctx.stdout.write(formatInspect(found, flagString(args, 'format')));
    return status;
  },
};

const prune: Command = {
  name: 'prune',
  usage: 'berth volume prune [OPTIONS]',
  summary: 'Remove unused local volumes',
  engine: 'daemon',
  flags: [
    {
      name: 'all',
      short: 'a',
      type: 'boolean',
      description: 'Remove all unused volumes, not just anonymous ones',
    },
    { ...filterFlag, short: undefined, description: 'Provide filter values (e.g. "label=<label>")' },
    { name: 'force', short: 'f', type: 'boolean', description: 'Do not prompt for confirmation' },
  ],
  args: [0, 0],
  async run(ctx, args) {
    const all = flagBool(args, 'all');
    const what = all ? 'all local volumes' : 'anonymous local volumes';
    if (
      !flagBool(args, 'force') &&
      !(await confirm(ctx, `WARNING! This will remove ${what} not used by at least one container.`))
    )
      return 0;
    const filters = JSON.parse(filtersQuery(flagList(args, 'filter'), ['label', 'label!']) ?? '{}') as Record<
      string,
      string[]
    >;
    if (all) filters.all = ['true'];
    const report = await (
      await ctx.daemon()
    ).post<{ VolumesDeleted: string[] | null; SpaceReclaimed: number }>('/volumes/prune', undefined, {
      filters: JSON.stringify(filters),
    });
    printPruned(ctx, 'Volumes', report.VolumesDeleted);
    ctx.stdout.write(`Total reclaimed space: ${humanSize(report.SpaceReclaimed ?? 0)}\n`);
  },
};

/** `Deleted Volumes:` and the names, then a blank line; nothing when none went. */
export function printPruned(
  ctx: { stdout: NodeJS.WritableStream },
  what: string,
  names: string[] | null | undefined,
): void {
  if (!names || names.length === 0) return;
  ctx.stdout.write(`Deleted ${what}:\n${names.map((n) => `${n}\n`).join('')}\n`);
}

export const volume: Command = {
  name: 'volume',
  usage: 'berth volume COMMAND',
  summary: 'Manage volumes',
  engine: 'daemon',
  flags: [],
  args: [0],
  subcommands: [create, ls, rm, inspect, prune],
  run: async () => {},
};
