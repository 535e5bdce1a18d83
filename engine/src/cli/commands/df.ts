// `berth system df [-v]`: berthd's disk usage (GET /system/df) summed the way the docker CLI sums
// it: images, containers, local volumes and build cache, each with what pruning would reclaim.
import { flagBool, flagString } from '../args';
import { formatFlag, formatRows, formatValue, type Column } from '../render/format';
import { ago, humanSize, shortId } from '../render/units';
import { commandCell, namesCell } from './containers/ps';
import type { CliContext, Command } from './command';

interface DfImage {
  Id: string;
  RepoTags: string[] | null;
  Created: number;
  Size: number;
  SharedSize: number;
  Containers: number;
}
interface DfContainer {
  Id: string;
  Names: string[];
  Image: string;
  Command: string;
  Created: number;
  State: string;
  Status: string;
  SizeRw?: number;
  Mounts?: { Type: string }[];
}
interface DfVolume {
  Name: string;
  UsageData?: { Size: number; RefCount: number } | null;
}
interface DfCache {
  ID: string;
  Type: string;
  Size: number;
  CreatedAt: string;
  LastUsedAt: string | null;
  UsageCount: number;
  Shared: boolean;
  InUse: boolean;
}
interface DiskUsage {
  LayersSize: number;
  Images: DfImage[] | null;
  Containers: DfContainer[] | null;
  Volumes: DfVolume[] | null;
  BuildCache: DfCache[] | null;
}

interface SummaryRow {
  Type: string;
  TotalCount: string;
  Active: string;
  Size: string;
  Reclaimable: string;
}

/** `1.2MB (40%)` — the share truncated, as Go's integer division does; no share of nothing. */
function reclaimable(bytes: number, total: number, withShare = true): string {
  return withShare && total > 0
    ? `${humanSize(bytes)} (${Math.trunc((bytes * 100) / total)}%)`
    : humanSize(bytes);
}

const active = (c: DfContainer) => c.State === 'running' || c.State === 'paused';
const volumeSize = (v: DfVolume) => Math.max(0, v.UsageData?.Size ?? 0);

function summary(usage: DiskUsage): SummaryRow[] {
  const images = usage.Images ?? [];
  const containers = usage.Containers ?? [];
  const volumes = usage.Volumes ?? [];
  const cache = usage.BuildCache ?? [];
  const usedByContainers = images
    .filter((i) => i.Containers > 0 && i.Size >= 0 && i.SharedSize >= 0)
    .reduce((n, i) => n + i.Size - i.SharedSize, 0);
  const containersSize = containers.reduce((n, c) => n + (c.SizeRw ?? 0), 0);
  const volumesSize = volumes.reduce((n, v) => n + volumeSize(v), 0);
  const cacheSize = cache.reduce((n, c) => n + c.Size, 0);
  const row = (Type: string, total: number, act: number, size: number, reclaim: string): SummaryRow => ({
    Type,
    TotalCount: String(total),
    Active: String(act),
    Size: humanSize(size),
    Reclaimable: reclaim,
  });
  return [
    row(
      'Images',
      images.length,
      images.filter((i) => i.Containers > 0).length,
      usage.LayersSize,
      reclaimable(Math.max(0, usage.LayersSize - usedByContainers), usage.LayersSize),
    ),
    row(
      'Containers',
      containers.length,
      containers.filter(active).length,
      containersSize,
      reclaimable(
        containers.filter((c) => !active(c)).reduce((n, c) => n + (c.SizeRw ?? 0), 0),
        containersSize,
      ),
    ),
    row(
      'Local Volumes',
      volumes.length,
      volumes.filter((v) => (v.UsageData?.RefCount ?? 0) > 0).length,
      volumesSize,
      reclaimable(
        volumes.filter((v) => (v.UsageData?.RefCount ?? 0) === 0).reduce((n, v) => n + volumeSize(v), 0),
        volumesSize,
      ),
    ),
    row(
      'Build Cache',
      cache.length,
      cache.filter((c) => c.InUse).length,
      cacheSize,
      reclaimable(
        cache.filter((c) => !c.InUse && !c.Shared).reduce((n, c) => n + c.Size, 0),
        cacheSize,
        false,
      ),
    ),
  ];
}

const summaryColumns: Column<SummaryRow>[] = [
  { header: 'TYPE', field: 'Type', value: (r) => r.Type },
  { header: 'TOTAL', field: 'TotalCount', value: (r) => r.TotalCount },
  { header: 'ACTIVE', field: 'Active', value: (r) => r.Active },
  { header: 'SIZE', field: 'Size', value: (r) => r.Size },
  { header: 'RECLAIMABLE', field: 'Reclaimable', value: (r) => r.Reclaimable },
];

function verbose(ctx: CliContext, usage: DiskUsage): void {
  const images = (usage.Images ?? []).flatMap((i) =>
    (i.RepoTags?.length ? i.RepoTags : ['<none>:<none>']).map((tag) => ({ i, tag })),
  );
  const imageColumns: Column<(typeof images)[number]>[] = [
    { header: 'REPOSITORY', field: 'Repository', value: ({ tag }) => tag.slice(0, tag.lastIndexOf(':')) },
    { header: 'TAG', field: 'Tag', value: ({ tag }) => tag.slice(tag.lastIndexOf(':') + 1) },
    { header: 'IMAGE ID', field: 'ID', value: ({ i }) => shortId(i.Id) },
    { header: 'CREATED', field: 'CreatedSince', value: ({ i }) => ago(i.Created) },
    { header: 'SIZE', field: 'Size', value: ({ i }) => humanSize(i.Size) },
    { header: 'SHARED SIZE', field: 'SharedSize', value: ({ i }) => humanSize(Math.max(0, i.SharedSize)) },
    {
      header: 'UNIQUE SIZE',
      field: 'UniqueSize',
      value: ({ i }) => humanSize(i.Size - Math.max(0, i.SharedSize)),
    },
    { header: 'CONTAINERS', field: 'Containers', value: ({ i }) => String(Math.max(0, i.Containers)) },
  ];
  const containerColumns: Column<DfContainer>[] = [
    { header: 'CONTAINER ID', field: 'ID', value: (c) => shortId(c.Id) },
    { header: 'IMAGE', field: 'Image', value: (c) => c.Image },
    { header: 'COMMAND', field: 'Command', value: (c) => commandCell(c.Command) },
    {
      header: 'LOCAL VOLUMES',
      field: 'LocalVolumes',
      value: (c) => String((c.Mounts ?? []).filter((m) => m.Type === 'volume').length),
    },
    { header: 'SIZE', field: 'Size', value: (c) => humanSize(c.SizeRw ?? 0) },
    { header: 'CREATED', field: 'RunningFor', value: (c) => ago(c.Created) },
    { header: 'STATUS', field: 'Status', value: (c) => c.Status },
    { header: 'NAMES', field: 'Names', value: (c) => namesCell(c.Names) },
  ];
  const volumeColumns: Column<DfVolume>[] = [
    { header: 'VOLUME NAME', field: 'Name', value: (v) => v.Name },
    { header: 'LINKS', field: 'Links', value: (v) => String(v.UsageData?.RefCount ?? 0) },
    { header: 'SIZE', field: 'Size', value: (v) => humanSize(volumeSize(v)) },
  ];
  const cache = usage.BuildCache ?? [];
  const cacheColumns: Column<DfCache>[] = [
    { header: 'CACHE ID', field: 'ID', value: (c) => shortId(c.ID) },
    { header: 'CACHE TYPE', field: 'CacheType', value: (c) => c.Type },
    { header: 'SIZE', field: 'Size', value: (c) => humanSize(c.Size) },
    { header: 'CREATED', field: 'CreatedSince', value: (c) => ago(Date.parse(c.CreatedAt) / 1000) },
    {
      header: 'LAST USED',
      field: 'LastUsedSince',
      value: (c) => (c.LastUsedAt ? ago(Date.parse(c.LastUsedAt) / 1000) : ''),
    },
    { header: 'USAGE', field: 'UsageCount', value: (c) => String(c.UsageCount) },
    { header: 'SHARED', field: 'Shared', value: (c) => String(c.Shared) },
  ];
  ctx.stdout.write('Images space usage:\n\n');
  ctx.stdout.write(formatRows(images, imageColumns, undefined));
  ctx.stdout.write('\nContainers space usage:\n\n');
  ctx.stdout.write(formatRows(usage.Containers ?? [], containerColumns, undefined));
  ctx.stdout.write('\nLocal Volumes space usage:\n\n');
  ctx.stdout.write(formatRows(usage.Volumes ?? [], volumeColumns, undefined));
  const cacheTotal = cache.reduce((n, c) => n + c.Size, 0);
  ctx.stdout.write(`\nBuild cache usage: ${humanSize(cacheTotal)}\n\n`);
  ctx.stdout.write(formatRows(cache, cacheColumns, undefined));
}

export const df: Command = {
  name: 'df',
  usage: 'berth system df [OPTIONS]',
  summary: 'Show disk usage',
  engine: 'daemon',
  flags: [
    { name: 'verbose', short: 'v', type: 'boolean', description: 'Show detailed information on space usage' },
    formatFlag('{{.Type}}'),
  ],
  args: [0, 0],
  async run(ctx, args) {
    const usage = await (await ctx.daemon()).get<DiskUsage>('/system/df');
    const format = flagString(args, 'format');
    if (flagBool(args, 'verbose')) {
      if (format) ctx.stdout.write(formatValue(usage, format));
      else verbose(ctx, usage);
      return;
    }
    ctx.stdout.write(formatRows(summary(usage), summaryColumns, format));
  },
};
