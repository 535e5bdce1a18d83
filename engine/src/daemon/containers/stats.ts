// `docker stats` and `docker top`: resource use read from the container's cgroups (v1, v2 or
// hybrid, found through /proc/<pid>/cgroup) and /proc, and the host's ps filtered to its pids.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ContainerStats, ContainerTopResponse, CpuStats } from '../../api/types';
import { invalid } from '../errors';
import { pidNamespaceMembers } from '../../runtime/pid-namespace';

interface CgroupMount {
  mountPoint: string;
  root: string;
  version: 1 | 2;
  controllers: string[];
}

function cgroupMounts(): CgroupMount[] {
  const out: CgroupMount[] = [];
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [left, right] = line.split(' - ');
    if (!right) continue;
    const fields = left.split(' ');
    const [fstype, , superOpts] = right.split(' ');
    if (fstype === 'cgroup2')
      out.push({ mountPoint: fields[4], root: fields[3], version: 2, controllers: [] });
    else if (fstype === 'cgroup')
      out.push({ mountPoint: fields[4], root: fields[3], version: 1, controllers: superOpts.split(',') });
  }
  return out;
}

/** The directory of each controller (and `unified`) of the cgroup `pid` is in. */
export function cgroupDirsOf(pid: number): Record<string, string> {
  const mounts = cgroupMounts();
  const dirs: Record<string, string> = {};
  for (const line of readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    const [, , ctrl, path] = m;
    if (ctrl === '') {
      const mount = mounts.find((x) => x.version === 2);
      if (mount)
        dirs.unified = join(mount.mountPoint, path.slice(mount.root === '/' ? 0 : mount.root.length));
      continue;
    }
    for (const c of ctrl.split(',')) {
      const mount = mounts.find((x) => x.version === 1 && x.controllers.includes(c));
      if (mount)
        dirs[c.replace(/^name=/, '')] = join(
          mount.mountPoint,
          path.slice(mount.root === '/' ? 0 : mount.root.length),
        );
    }
  }
  return dirs;
}

function read(dir: string | undefined, file: string): string | undefined {
  if (!dir) return undefined;
  try {
    return readFileSync(join(dir, file), 'utf8').trim();
  } catch {
    return undefined;
  }
}

function num(text: string | undefined): number | undefined {
  if (text === undefined || text === 'max') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

function keyValues(text: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of (text ?? '').split('\n')) {
    const [k, v] = line.split(' ');
    if (k && v !== undefined) out[k] = Number(v);
  }
  return out;
}

const clockTicks = 100;

function systemCpuNs(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const ticks = line
    .split(/\s+/)
    .slice(1, 8)
    .map(Number)
    .reduce((a, b) => a + b, 0);
  return (ticks * 1e9) / clockTicks;
}

function emptyCpu(): CpuStats {
  return {
    cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 },
    throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
  };
}

/** One sample of the container's resource use (precpu filled by the caller). */
export function sampleStats(id: string, name: string, pid: number): ContainerStats {
  const dirs = cgroupDirsOf(pid);
  const v2 = dirs.unified && read(dirs.unified, 'cgroup.controllers') !== undefined && !dirs.memory;
  const cpu = emptyCpu();
  let memory: ContainerStats['memory_stats'];
  let pids: ContainerStats['pids_stats'];
  if (v2) {
    const d = dirs.unified;
    const cs = keyValues(read(d, 'cpu.stat'));
    cpu.cpu_usage = {
      total_usage: (cs.usage_usec ?? 0) * 1000,
      usage_in_usermode: (cs.user_usec ?? 0) * 1000,
      usage_in_kernelmode: (cs.system_usec ?? 0) * 1000,
    };
    cpu.throttling_data = {
      periods: cs.nr_periods ?? 0,
      throttled_periods: cs.nr_throttled ?? 0,
      throttled_time: (cs.throttled_usec ?? 0) * 1000,
    };
    memory = {
      usage: num(read(d, 'memory.current')),
      limit: num(read(d, 'memory.max')) ?? totalMemory(),
      stats: keyValues(read(d, 'memory.stat')),
    };
    pids = { current: num(read(d, 'pids.current')), limit: num(read(d, 'pids.max')) };
  } else {
    const acct = dirs.cpuacct ?? dirs.cpu;
    const st = keyValues(read(acct, 'cpuacct.stat'));
    const th = keyValues(read(dirs.cpu, 'cpu.stat'));
    cpu.cpu_usage = {
      total_usage: num(read(acct, 'cpuacct.usage')) ?? 0,
      usage_in_usermode: ((st.user ?? 0) * 1e9) / clockTicks,
      usage_in_kernelmode: ((st.system ?? 0) * 1e9) / clockTicks,
    };
    cpu.throttling_data = {
      periods: th.nr_periods ?? 0,
      throttled_periods: th.nr_throttled ?? 0,
      throttled_time: th.throttled_time ?? 0,
    };
    const limit = num(read(dirs.memory, 'memory.limit_in_bytes'));
    memory = {
      usage: num(read(dirs.memory, 'memory.usage_in_bytes')),
      max_usage: num(read(dirs.memory, 'memory.max_usage_in_bytes')),
      // v1 reports "no limit" as a huge number: show the host's memory, as Docker does.
      limit: limit === undefined || limit > totalMemory() ? totalMemory() : limit,
      stats: keyValues(read(dirs.memory, 'memory.stat')),
    };
    pids = { current: num(read(dirs.pids, 'pids.current')), limit: num(read(dirs.pids, 'pids.max')) };
  }
  cpu.system_cpu_usage = systemCpuNs();
  cpu.online_cpus = cpus().length;
  return {
    read: new Date().toISOString(),
    preread: '0001-01-01T00:00:00Z',
    id,
    name: `/${name}`,
    num_procs: 0,
    pids_stats: pids,
    cpu_stats: cpu,
    precpu_stats: emptyCpu(),
    memory_stats: memory,
    blkio_stats: { io_service_bytes_recursive: null },
    networks: networkStats(pid),
  };
}

/**
 * One sample from /proc, for rootless berthd, whose containers have no cgroup of their own (they
 * share berthd's, and its figures are not theirs): CPU time and resident memory summed over the
 * processes of the container's pid namespace.
 */
export function sampleProcStats(id: string, name: string, pid: number): ContainerStats {
  const s = sampleStatsBase(id, name, pid);
  let ticksUser = 0;
  let ticksSystem = 0;
  let rss = 0;
  const members = pidNamespaceMembers(pid);
  for (const p of members) {
    try {
      // Fields after the command (which may hold spaces): utime and stime are the 12th and 13th.
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticksUser += Number(f[11]);
      ticksSystem += Number(f[12]);
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) rss += Number(m[1]) * 1024;
    } catch {
      // The process ended meanwhile.
    }
  }
  const user = (ticksUser * 1e9) / clockTicks;
  const system = (ticksSystem * 1e9) / clockTicks;
  s.cpu_stats.cpu_usage = {
    total_usage: user + system,
    usage_in_usermode: user,
    usage_in_kernelmode: system,
  };
  s.memory_stats = { usage: rss, limit: totalMemory(), stats: {} };
  s.pids_stats = { current: members.length };
  return s;
}

function sampleStatsBase(id: string, name: string, pid: number): ContainerStats {
  const cpu = emptyCpu();
  cpu.system_cpu_usage = systemCpuNs();
  cpu.online_cpus = cpus().length;
  return {
    read: new Date().toISOString(),
    preread: '0001-01-01T00:00:00Z',
    id,
    name: `/${name}`,
    num_procs: 0,
    pids_stats: {},
    cpu_stats: cpu,
    precpu_stats: emptyCpu(),
    memory_stats: {},
    blkio_stats: { io_service_bytes_recursive: null },
    networks: networkStats(pid),
  };
}

function totalMemory(): number {
  const m = /MemTotal:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

function networkStats(pid: number): ContainerStats['networks'] {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/net/dev`, 'utf8');
  } catch {
    return undefined;
  }
  const out: NonNullable<ContainerStats['networks']> = {};
  for (const line of text.split('\n').slice(2)) {
    const m = /^\s*([^:]+):\s*(.*)$/.exec(line);
    if (!m || m[1] === 'lo') continue;
    const f = m[2].trim().split(/\s+/).map(Number);
    out[m[1]] = { rx_bytes: f[0], rx_packets: f[1], tx_bytes: f[8], tx_packets: f[9] };
  }
  return out;
}

const execFileAsync = promisify(execFile);

/** `docker top`: the host's ps output, only the rows of the container's processes. */
export async function top(pids: number[], psArgs = '-ef'): Promise<ContainerTopResponse> {
  const args = psArgs.split(/\s+/).filter(Boolean);
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync('ps', args, { maxBuffer: 16 << 20 }));
  } catch (err) {
    throw invalid(`ps ${psArgs} failed: ${(err as Error).message}`);
  }
  const lines = stdout.split('\n').filter((l) => l.trim());
  const titles = lines[0].trim().split(/\s+/);
  const pidCol = titles.indexOf('PID');
  if (pidCol < 0) throw invalid(`ps ${psArgs}: its output has no PID column`);
  const wanted = new Set(pids);
  const processes: string[][] = [];
  for (const line of lines.slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (!wanted.has(Number(fields[pidCol]))) continue;
    // The last column (the command) keeps its spaces.
    processes.push([...fields.slice(0, titles.length - 1), fields.slice(titles.length - 1).join(' ')]);
  }
  return { Titles: titles, Processes: processes };
}
