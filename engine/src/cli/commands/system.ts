import { flagBool, flagString } from '../args';
import { formatRows, type Column } from '../render/format';
import { humanSize } from '../render/units';
import type { Command } from './command';
import { systemPrune } from './prune';

const dfFlags = [
  {
    name: 'verbose',
    short: 'v',
    type: 'boolean' as const,
    description: 'Show detailed information on space usage',
  },
  {
    name: 'format',
    type: 'string' as const,
    complete: ['json', 'table'],
    description: 'Format output: table, json, or a Go-style template',
    value: 'string',
  },
];

const df: Command = {
  name: 'df',
  usage: 'berth system df [OPTIONS]',
  summary: 'Show disk usage',
  flags: dfFlags,
  args: [0, 0],
  async run(ctx, parsed) {
    const usage = ctx.backend.df();
    const format = flagString(parsed, 'format');
    if (flagBool(parsed, 'verbose')) {
      const columns: Column<(typeof usage.images)[number]>[] = [
        {
          header: 'REPOSITORY:TAG',
          field: 'Names',
          value: (i) => i.names.filter((n) => !n.includes('@')).join(', ') || '<none>',
        },
        { header: 'IMAGE ID', field: 'ID', value: (i) => i.id.slice(7, 19) },
        { header: 'SIZE', field: 'Size', value: (i) => humanSize(i.size) },
        { header: 'SHARED SIZE', field: 'SharedSize', value: (i) => humanSize(i.sharedSize) },
        { header: 'UNIQUE SIZE', field: 'UniqueSize', value: (i) => humanSize(i.uniqueSize) },
        { header: 'CONTAINERS', field: 'Containers', value: (i) => (i.inUse ? '1' : '0') },
      ];
      ctx.stdout.write('Images space usage:\n\n');
      ctx.stdout.write(formatRows(usage.images, columns, format, (i) => ({ ...i, Size: humanSize(i.size) })));
      return;
    }
    const active = usage.images.filter((i) => i.inUse).length;
    const pct = usage.totalSize ? Math.round((usage.reclaimable / usage.totalSize) * 100) : 0;
    const row = {
      Type: 'Images',
      TotalCount: String(usage.images.length),
      Active: String(active),
      Size: humanSize(usage.totalSize),
      Reclaimable: `${humanSize(usage.reclaimable)} (${pct}%)`,
    };
    const columns: Column<typeof row>[] = [
      { header: 'TYPE', field: 'Type', value: (r) => r.Type },
      { header: 'TOTAL', field: 'TotalCount', value: (r) => r.TotalCount },
      { header: 'ACTIVE', field: 'Active', value: (r) => r.Active },
      { header: 'SIZE', field: 'Size', value: (r) => r.Size },
      { header: 'RECLAIMABLE', field: 'Reclaimable', value: (r) => r.Reclaimable },
    ];
    ctx.stdout.write(formatRows([row], columns, format, (r) => r));
  },
};

export const system: Command = {
  name: 'system',
  usage: 'berth system COMMAND',
  summary: 'Manage Berth (system df, system prune)',
  flags: [],
  args: [0],
  subcommands: [df, systemPrune],
  run: async () => {},
};
