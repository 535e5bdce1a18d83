// `berth ps`: the daemon's containers as docker lists them.
import { flagBool, flagList, flagString } from '../../args';
import { formatFlag, type Column, formatRows } from '../../render/format';
import { ago } from '../../render/units';
import type { Command } from '../command';

interface ContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  Command: string;
  Created: number;
  State: string;
  Status: string;
  Ports: { IP?: string; PrivatePort: number; PublicPort?: number; Type: string }[];
  Labels: Record<string, string>;
  SizeRw?: number;
  Mounts?: { Name?: string; Source?: string }[];
  NetworkSettings?: { Networks?: Record<string, unknown> };
}

export const ps: Command = {
  name: 'ps',
  usage: 'berth ps [OPTIONS]',
  summary: 'List containers',
  engine: 'daemon',
  flags: [
    {
      name: 'all',
      short: 'a',
      type: 'boolean',
      description: 'Show all containers (default shows just running)',
    },
    {
      name: 'filter',
      short: 'f',
      type: 'list',
      description: 'Filter output based on conditions provided (name=, label=, status=, id=, ancestor=…)',
      value: 'filter',
    },
    { name: 'last', short: 'n', type: 'string', description: 'Show n last created containers', value: 'int' },
    { name: 'latest', short: 'l', type: 'boolean', description: 'Show the latest created container' },
    { name: 'quiet', short: 'q', type: 'boolean', description: 'Only display container IDs' },
    { name: 'no-trunc', type: 'boolean', description: "Don't truncate output" },
    { name: 'size', short: 's', type: 'boolean', description: 'Display total file sizes' },
    formatFlag('{{.Names}}'),
  ],
  args: [0, 0],
  async run(ctx, args) {
    const daemon = await ctx.daemon();
    const filters: Record<string, string[]> = {};
    for (const f of flagList(args, 'filter')) {
      const eq = f.indexOf('=');
      if (eq <= 0) throw new Error(`bad format of filter (expected name=value): ${f}`);
      (filters[f.slice(0, eq)] ??= []).push(f.slice(eq + 1));
    }
    const last = flagBool(args, 'latest') ? 1 : Number(flagString(args, 'last') ?? -1);
    const list = await daemon.get<ContainerSummary[]>('/containers/json', {
      all: flagBool(args, 'all') || last > 0 || undefined,
      limit: last > 0 ? last : undefined,
      size: flagBool(args, 'size') || undefined,
      filters: Object.keys(filters).length ? JSON.stringify(filters) : undefined,
    });
    const noTrunc = flagBool(args, 'no-trunc');
    const id = (c: ContainerSummary): string => (noTrunc ? c.Id : c.Id.slice(0, 12));
    if (flagBool(args, 'quiet')) {
      ctx.stdout.write(list.map((c) => `${id(c)}\n`).join(''));
      return;
    }
    const command = (c: ContainerSummary): string =>
      JSON.stringify(noTrunc || c.Command.length <= 20 ? c.Command : `${c.Command.slice(0, 19)}…`);
    const columns: Column<ContainerSummary>[] = [
      { header: 'CONTAINER ID', field: 'ID', value: id },
      { header: 'IMAGE', field: 'Image', value: (c) => c.Image },
      { header: 'COMMAND', field: 'Command', value: command },
      { header: 'CREATED', field: 'RunningFor', value: (c) => ago(c.Created) },
      { header: 'STATUS', field: 'Status', value: (c) => c.Status },
      { header: 'PORTS', field: 'Ports', value: (c) => formatPorts(c.Ports) },
      { header: 'NAMES', field: 'Names', value: (c) => names(c) },
    ];
    ctx.stdout.write(
      formatRows(list, columns, flagString(args, 'format'), (c) => ({
        ID: id(c),
        Image: c.Image,
        Command: command(c),
        CreatedAt: new Date(c.Created * 1000).toISOString(),
        RunningFor: ago(c.Created),
        Ports: formatPorts(c.Ports),
        State: c.State,
        Status: c.Status,
        Size: String(c.SizeRw ?? 0),
        Names: names(c),
        Labels: Object.entries(c.Labels ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
        Mounts: (c.Mounts ?? []).map((m) => m.Name ?? m.Source ?? '').join(','),
        Networks: Object.keys(c.NetworkSettings?.Networks ?? {}).join(','),
      })),
    );
  },
};

function names(c: ContainerSummary): string {
  return c.Names.map((n) => n.replace(/^\//, '')).join(',');
}

/** `0.0.0.0:8080->80/tcp, 443/tcp`, as docker ps shows them. */
export function formatPorts(ports: ContainerSummary['Ports']): string {
  return ports
    .map((p) =>
      p.PublicPort !== undefined
        ? `${p.IP?.includes(':') ? `[${p.IP}]` : (p.IP ?? '0.0.0.0')}:${p.PublicPort}->${p.PrivatePort}/${p.Type}`
        : `${p.PrivatePort}/${p.Type}`,
    )
    .join(', ');
}
