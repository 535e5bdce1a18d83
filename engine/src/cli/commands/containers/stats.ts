// `berth stats`: containers' resource use as the docker CLI computes and prints it. Live by default:
// one stats stream per container, the table redrawn in place on a terminal (plain tables one after
// the other otherwise) twice a second when new samples came; with no names, every running container
// (-a: every container), joined by those that start later. `--no-stream` prints one snapshot.
import { flagBool, flagString } from '../../args';
import { formatFlag, type Column, formatRows } from '../../render/format';
import { binarySize, humanSize, shortId } from '../../render/units';
import type { ContainerStats, ContainerSummary, EventMessage } from '../../../api/types';
import type { DaemonApi } from '../../daemon/client';
import { streamJson } from '../../daemon/streams';
import type { CliContext, Command } from '../command';

interface StatsRow {
  id: string;
  name: string;
  cpu: string;
  memUsage: string;
  memPerc: string;
  netIO: string;
  blockIO: string;
  pids: string;
}

/** docker's CPU %: the container's share of the system's CPU time since the previous sample. */
export function cpuPercent(s: ContainerStats): number {
  const cpuDelta = s.cpu_stats.cpu_usage.total_usage - s.precpu_stats.cpu_usage.total_usage;
  const systemDelta = (s.cpu_stats.system_cpu_usage ?? 0) - (s.precpu_stats.system_cpu_usage ?? 0);
  const cpus = s.cpu_stats.online_cpus ?? 1;
  return systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0;
}

/** A sample as a table row; the id is cut to 12 characters, as docker does, unless `noTrunc`. */
export function statsRow(s: ContainerStats, noTrunc = false): StatsRow {
  // docker subtracts the page cache it could drop (inactive_file on cgroup v2, cache on v1).
  const cache = s.memory_stats.stats?.inactive_file ?? s.memory_stats.stats?.total_inactive_file ?? 0;
  const used = Math.max(0, (s.memory_stats.usage ?? 0) - cache);
  const limit = s.memory_stats.limit ?? 0;
  const nets = Object.values(s.networks ?? {});
  const io = s.blkio_stats.io_service_bytes_recursive ?? [];
  const sum = (op: string): number =>
    io.filter((e) => e.op.toLowerCase() === op).reduce((n, e) => n + e.value, 0);
  return {
    id: shortId(s.id, noTrunc),
    name: s.name.replace(/^\//, ''),
    cpu: `${cpuPercent(s).toFixed(2)}%`,
    memUsage: `${binarySize(used)} / ${binarySize(limit)}`,
    memPerc: `${limit > 0 ? ((used / limit) * 100).toFixed(2) : '0.00'}%`,
    netIO: `${humanSize(nets.reduce((n, x) => n + x.rx_bytes, 0))} / ${humanSize(nets.reduce((n, x) => n + x.tx_bytes, 0))}`,
    blockIO: `${humanSize(sum('read'))} / ${humanSize(sum('write'))}`,
    pids: String(s.pids_stats.current ?? 0),
  };
}

const columns: Column<StatsRow>[] = [
  { header: 'CONTAINER ID', field: 'ID', value: (r) => r.id },
  { header: 'NAME', field: 'Name', value: (r) => r.name },
  { header: 'CPU %', field: 'CPUPerc', value: (r) => r.cpu },
  { header: 'MEM USAGE / LIMIT', field: 'MemUsage', value: (r) => r.memUsage },
  { header: 'MEM %', field: 'MemPerc', value: (r) => r.memPerc },
  { header: 'NET I/O', field: 'NetIO', value: (r) => r.netIO },
  { header: 'BLOCK I/O', field: 'BlockIO', value: (r) => r.blockIO },
  { header: 'PIDS', field: 'PIDs', value: (r) => r.pids },
];

function render(rows: StatsRow[], format: string | undefined): string {
  return formatRows(rows, columns, format, (r) => ({ Container: r.id }));
}

/** How often the live view is redrawn (docker's pace). */
const redrawMs = 500;

export const stats: Command = {
  name: 'stats',
  usage: 'berth stats [OPTIONS] [CONTAINER...]',
  summary: "Display a live stream of containers' resource usage statistics",
  engine: 'daemon',
  flags: [
    {
      name: 'all',
      short: 'a',
      type: 'boolean',
      description: 'Show all containers (default shows just running)',
    },
    {
      name: 'no-stream',
      type: 'boolean',
      description: 'Disable streaming stats and only pull the first result',
    },
    { name: 'no-trunc', type: 'boolean', description: "Don't truncate output" },
    formatFlag('{{.CPUPerc}}'),
  ],
  args: [0],
  complete: ['container'],
  async run(ctx, args) {
    const daemon = await ctx.daemon();
    const format = flagString(args, 'format');
    const noTrunc = flagBool(args, 'no-trunc');
    const named = args.positional;
    const listed = async (): Promise<string[]> =>
      (
        await daemon.get<ContainerSummary[]>('/containers/json', { all: flagBool(args, 'all') || undefined })
      ).map((c) => c.Id);
    const ids = named.length > 0 ? named : await listed();
    if (flagBool(args, 'no-stream')) {
      const rows = await Promise.all(
        ids.map(async (id) =>
          statsRow(
            await daemon.get<ContainerStats>(`/containers/${encodeURIComponent(id)}/stats`, {
              stream: false,
            }),
            noTrunc,
          ),
        ),
      );
      ctx.stdout.write(render(rows, format));
      return;
    }
    await liveStats(ctx, daemon, ids, { follow: named.length === 0, format, noTrunc });
  },
};

/**
 * Follows each container's stats stream and redraws. With `follow` (no names given), containers that
 * start later join and those that stop leave, until Ctrl-C; otherwise it ends once every named
 * container's stream has ended (the container stopped), or with the daemon's error for a name it
 * does not know.
 */
async function liveStats(
  ctx: CliContext,
  daemon: DaemonApi,
  ids: string[],
  { follow, format, noTrunc }: { follow: boolean; format: string | undefined; noTrunc: boolean },
): Promise<void> {
  const tty = !!ctx.stdout.isTTY;
  const latest = new Map<string, StatsRow>();
  const streams = new Map<string, Promise<void>>();
  // The header shows at once, even before the first sample (or with nothing running yet).
  let fresh = true;
  let stopped = false;
  const draw = (): void => {
    if (!fresh) return;
    fresh = false;
    const text = render([...latest.values()], format);
    // On a terminal the table replaces the previous one (cleared screen, cursor home), as docker does.
    ctx.stdout.write(tty ? `\x1b[2J\x1b[H${text}` : text);
  };
  const watch = (id: string): void => {
    if (streams.has(id)) return;
    const done = (async () => {
      let samples = 0;
      try {
        for await (const s of streamJson<ContainerStats>(
          daemon,
          `/containers/${encodeURIComponent(id)}/stats`,
          {
            stream: true,
          },
        )) {
          if (stopped) break;
          latest.set(id, statsRow(s, noTrunc));
          samples++;
          fresh = true;
        }
      } catch (err) {
        // A name the daemon does not know is the user's error; a container removed mid-stream is not.
        if (!follow && samples === 0) throw err;
      } finally {
        streams.delete(id);
        if (follow) {
          latest.delete(id);
          fresh = true;
        }
      }
    })();
    streams.set(id, done);
  };
  for (const id of ids) watch(id);
  const timer = setInterval(draw, redrawMs);
  try {
    if (follow) {
      for await (const e of streamJson<EventMessage>(daemon, '/events', {
        filters: JSON.stringify({ type: ['container'], event: ['start'] }),
      }))
        watch(e.Actor.ID);
      return;
    }
    await Promise.all([...streams.values()]);
    draw();
  } finally {
    stopped = true;
    clearInterval(timer);
  }
}
