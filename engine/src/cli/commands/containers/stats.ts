// `berth stats --no-stream` and `berth port`: a container's resource use and published ports, as the
// docker CLI computes and prints them.
import { flagBool, flagString } from '../../args';
import { type Column, formatRows } from '../../render/format';
import { binarySize, humanSize } from '../../render/units';
import type { ContainerStats } from '../../../api/types';
import type { Command } from '../command';

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

export function statsRow(s: ContainerStats): StatsRow {
  // docker subtracts the page cache it could drop (inactive_file on cgroup v2, cache on v1).
  const cache = s.memory_stats.stats?.inactive_file ?? s.memory_stats.stats?.total_inactive_file ?? 0;
  const used = Math.max(0, (s.memory_stats.usage ?? 0) - cache);
  const limit = s.memory_stats.limit ?? 0;
  const nets = Object.values(s.networks ?? {});
  const io = s.blkio_stats.io_service_bytes_recursive ?? [];
  const sum = (op: string): number =>
    io.filter((e) => e.op.toLowerCase() === op).reduce((n, e) => n + e.value, 0);
  return {
    id: s.id.slice(0, 12),
    name: s.name.replace(/^\//, ''),
    cpu: `${cpuPercent(s).toFixed(2)}%`,
    memUsage: `${binarySize(used)} / ${binarySize(limit)}`,
    memPerc: `${limit > 0 ? ((used / limit) * 100).toFixed(2) : '0.00'}%`,
    netIO: `${humanSize(nets.reduce((n, x) => n + x.rx_bytes, 0))} / ${humanSize(nets.reduce((n, x) => n + x.tx_bytes, 0))}`,
    blockIO: `${humanSize(sum('read'))} / ${humanSize(sum('write'))}`,
    pids: String(s.pids_stats.current ?? 0),
  };
}

export const stats: Command = {
  name: 'stats',
  usage: 'berth stats --no-stream [OPTIONS] CONTAINER [CONTAINER...]',
  summary: "Display a snapshot of containers' resource usage statistics",
  engine: 'daemon',
  flags: [
    {
      name: 'no-stream',
      type: 'boolean',
      description: 'Print one snapshot and exit (the only mode for now)',
    },
    { name: 'no-trunc', type: 'boolean', description: "Don't truncate output" },
    {
      name: 'format',
      type: 'string',
      complete: ['json', 'table'],
      description: 'Format output: table, json, or a Go-style template ({{.CPUPerc}})',
      value: 'string',
    },
  ],
  args: [1],
  complete: ['container'],
  async run(ctx, args) {
    if (!flagBool(args, 'no-stream')) {
      throw new Error('berth stats shows one snapshot: add --no-stream (a live view is not there yet)');
    }
    const daemon = await ctx.daemon();
    const rows = await Promise.all(
      args.positional.map(async (id) =>
        statsRow(
          await daemon.get<ContainerStats>(`/containers/${encodeURIComponent(id)}/stats`, { stream: false }),
        ),
      ),
    );
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
    ctx.stdout.write(
      formatRows(rows, columns, flagString(args, 'format'), (r) => ({
        ID: r.id,
        Container: r.id,
        Name: r.name,
        CPUPerc: r.cpu,
        MemUsage: r.memUsage,
        MemPerc: r.memPerc,
        NetIO: r.netIO,
        BlockIO: r.blockIO,
        PIDs: r.pids,
      })),
    );
  },
};

export const port: Command = {
  name: 'port',
  usage: 'berth port CONTAINER [PRIVATE_PORT[/PROTO]]',
  summary: 'List port mappings or a specific mapping for the container',
  engine: 'daemon',
  flags: [],
  args: [1, 2],
  complete: ['container'],
  async run(ctx, args) {
    const [id, wanted] = args.positional;
    const info = await (
      await ctx.daemon()
    ).get<{
      NetworkSettings: { Ports?: Record<string, { HostIp: string; HostPort: string }[] | null> };
    }>(`/containers/${encodeURIComponent(id)}/json`);
    const key = wanted && !wanted.includes('/') ? `${wanted}/tcp` : wanted;
    const lines: string[] = [];
    for (const [containerPort, bindings] of Object.entries(info.NetworkSettings.Ports ?? {})) {
      if (key && containerPort !== key) continue;
      for (const b of bindings ?? []) {
        const host = `${b.HostIp.includes(':') ? `[${b.HostIp}]` : b.HostIp || '0.0.0.0'}:${b.HostPort}`;
        lines.push(key ? host : `${containerPort} -> ${host}`);
      }
    }
    if (key && lines.length === 0) throw new Error(`Error: No public port '${key}' published for ${id}`);
    ctx.stdout.write(lines.map((l) => `${l}\n`).join(''));
  },
};
