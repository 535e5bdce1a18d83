// `berth container prune` and `berth system prune`: Docker's warnings, sections and totals.
import { flagBool, flagList } from '../args';
import { humanSize } from '../render/units';
import type { CliContext, Command } from './command';
import { filtersQuery } from './filters';
import { confirm } from './prompt';
import { printPruned } from './volume';

const forceFlag = {
  name: 'force',
  short: 'f',
  type: 'boolean' as const,
  description: 'Do not prompt for confirmation',
};
const filterFlag = {
  name: 'filter',
  type: 'list' as const,
  description: 'Provide filter values (e.g. "until=<timestamp>", "label=<key>=<value>")',
  value: 'filter',
};

interface ImageDeleted {
  Untagged?: string;
  Deleted?: string;
}

async function pruneContainers(ctx: CliContext, filters: string | undefined): Promise<number> {
  const report = await (
    await ctx.daemon()
  ).post<{ ContainersDeleted: string[] | null; SpaceReclaimed: number }>('/containers/prune', undefined, {
    filters,
  });
  printPruned(ctx, 'Containers', report.ContainersDeleted);
  return report.SpaceReclaimed ?? 0;
}

export const containerPrune: Command = {
  name: 'prune',
  usage: 'berth container prune [OPTIONS]',
  summary: 'Remove all stopped containers',
  engine: 'daemon',
  flags: [filterFlag, forceFlag],
  args: [0, 0],
  async run(ctx, args) {
    if (
      !flagBool(args, 'force') &&
      !(await confirm(ctx, 'WARNING! This will remove all stopped containers.'))
    )
      return 0;
    const reclaimed = await pruneContainers(
      ctx,
      filtersQuery(flagList(args, 'filter'), ['until', 'label', 'label!']),
    );
    ctx.stdout.write(`Total reclaimed space: ${humanSize(reclaimed)}\n`);
  },
};

export const systemPrune: Command = {
  name: 'prune',
  usage: 'berth system prune [OPTIONS]',
  summary: 'Remove unused data',
  engine: 'daemon',
  flags: [
    {
      name: 'all',
      short: 'a',
      type: 'boolean',
      description: 'Remove all unused images not just dangling ones',
    },
    filterFlag,
    forceFlag,
    { name: 'volumes', type: 'boolean', description: 'Prune anonymous volumes' },
  ],
  args: [0, 0],
  async run(ctx, args) {
    const all = flagBool(args, 'all');
    const volumes = flagBool(args, 'volumes');
    const warning = [
      'WARNING! This will remove:',
      '  - all stopped containers',
      '  - all networks not used by at least one container',
      ...(volumes ? ['  - all anonymous volumes not used by at least one container'] : []),
      all ? '  - all images without at least one container associated to them' : '  - all dangling images',
      all ? '  - all build cache' : '  - unused build cache',
      '',
    ].join('\n');
    if (!flagBool(args, 'force') && !(await confirm(ctx, warning))) return 0;
    const filterValues = flagList(args, 'filter');
    const filters = filtersQuery(filterValues, ['until', 'label', 'label!']);
    const api = await ctx.daemon();
    let reclaimed = await pruneContainers(ctx, filters);
    const networks = await api.post<{ NetworksDeleted: string[] | null }>('/networks/prune', undefined, {
      filters,
    });
    printPruned(ctx, 'Networks', networks.NetworksDeleted);
    if (volumes) {
      const report = await api.post<{ VolumesDeleted: string[] | null; SpaceReclaimed: number }>(
        '/volumes/prune',
        undefined,
        {
          filters: filtersQuery(
            filterValues.filter((f) => f.startsWith('label')),
            ['label', 'label!'],
          ),
        },
      );
      printPruned(ctx, 'Volumes', report.VolumesDeleted);
      reclaimed += report.SpaceReclaimed ?? 0;
    }
    const imageFilters = JSON.parse(filters ?? '{}') as Record<string, string[]>;
    if (all) imageFilters.dangling = ['false'];
    const images = await api.post<{ ImagesDeleted: ImageDeleted[] | null; SpaceReclaimed: number }>(
      '/images/prune',
      undefined,
      { filters: JSON.stringify(imageFilters) },
    );
    printPruned(
      ctx,
      'Images',
      (images.ImagesDeleted ?? []).map((i) =>
        i.Untagged ? `untagged: ${i.Untagged}` : `deleted: ${i.Deleted}`,
      ),
    );
    reclaimed += images.SpaceReclaimed ?? 0;
    const cache = await api.post<{ CachesDeleted: string[] | null; SpaceReclaimed: number }>(
      '/build/prune',
      undefined,
      {
        all: all ? 'true' : undefined,
        filters,
      },
    );
    printPruned(ctx, 'build cache objects', cache.CachesDeleted);
    reclaimed += cache.SpaceReclaimed ?? 0;
    ctx.stdout.write(`Total reclaimed space: ${humanSize(reclaimed)}\n`);
  },
};

export const container: Command = {
  name: 'container',
  usage: 'berth container COMMAND',
  summary: 'Manage containers',
  engine: 'daemon',
  flags: [],
  args: [0],
  subcommands: [containerPrune],
  run: async () => {},
};
