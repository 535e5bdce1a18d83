// `berth ps`: the daemon's containers as docker lists them.
import { flagBool, flagList, flagString } from '../../args';
import { formatFlag, type Column, formatRows } from '../../render/format';
import { ago, labelList, shortId } from '../../render/units';
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
    const id = (c: ContainerSummary): string => shortId(c.Id, noTrunc);
    if (flagBool(args, 'quiet')) {
      ctx.stdout.write(list.map((c) => `${id(c)}\n`).join(''));
      return;
    }
    const columns: Column<ContainerSummary>[] = [
      { header: 'CONTAINER ID', field: 'ID', value: id },
      { header: 'IMAGE', field: 'Image', value: (c) => c.Image },
      { header: 'COMMAND', field: 'Command', value: (c) => commandCell(c.Command, noTrunc) },
      { header: 'CREATED', field: 'RunningFor', value: (c) => ago(c.Created) },
      { header: 'STATUS', field: 'Status', value: (c) => c.Status },
      { header: 'PORTS', field: 'Ports', value: (c) => formatPorts(c.Ports) },
      { header: 'NAMES', field: 'Names', value: (c) => namesCell(c.Names) },
    ];
    ctx.stdout.write(
      formatRows(list, columns, flagString(args, 'format'), (c) => ({
        CreatedAt: new Date(c.Created * 1000).toISOString(),
        State: c.State,
        Size: String(c.SizeRw ?? 0),
        Labels: labelList(c.Labels),
        Mounts: (c.Mounts ?? []).map((m) => m.Name ?? m.Source ?? '').join(','),
        Networks: Object.keys(c.NetworkSettings?.Networks ?? {}).join(','),
      })),
    );
  },
};

/** A container's command in quotes, cut to 20 characters unless `noTrunc`, as docker ps shows it. */
export function commandCell(command: string, noTrunc = false): string {
  return JSON.stringify(noTrunc || command.length <= 20 ? command : `${command.slice(0, 19)}…`);
}

/** A container's names without the API's leading slash. */
export function namesCell(names: string[]): string {
  return names.map((n) => n.replace(/^\//, '')).join(',');
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
