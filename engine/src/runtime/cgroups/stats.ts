// A container's resource use read from its cgroup, in the shape `runc events` prints (cpu,
// memory, pids), on v1 (hybrid included) and v2.
import { readKeyValues } from './files';
import type { CgroupDirs } from './types';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Written in place of an unlimited limit; `statsJson` turns it into 2^64-1, as runc prints it. */
const unlimited = -1;

export interface MemoryEntry {
  limit: number;
  usage?: number;
  max?: number;
  failcnt: number;
}

export interface CgroupStats {
  cpu: {
    usage: { total: number; percpu?: number[]; kernel: number; user: number };
    throttling: { periods: number; throttled_periods: number; throttled_time: number };
  };
  memory: { cache?: number; usage: MemoryEntry; swap: MemoryEntry; raw: Record<string, number> };
  pids: { current: number; limit: number };
}

function text(dir: string | undefined, file: string): string | undefined {
  if (!dir || !existsSync(join(dir, file))) return undefined;
  return readFileSync(join(dir, file), 'utf8').trim();
}

function number(dir: string | undefined, file: string): number {
  const t = text(dir, file);
  if (t === undefined || t === 'max') return t === 'max' ? unlimited : 0;
  return Number(t);
}

function keyValues(dir: string | undefined, file: string): Record<string, number> {
  return dir ? Object.fromEntries(readKeyValues(dir, file)) : {};
}

function controllerDir(dirs: CgroupDirs, controller: string): string | undefined {
  for (const [name, dir] of Object.entries(dirs)) if (name.split(',').includes(controller)) return dir;
  return undefined;
}

/** v1 reports unlimited as the largest page-aligned signed 64-bit number. */
function limitV1(n: number): number {
  return n >= 2 ** 62 ? unlimited : n;
}

export function readCgroupStats(version: 1 | 2, dirs: CgroupDirs): CgroupStats {
  return version === 2 ? statsV2(dirs.unified) : statsV1(dirs);
}

function statsV1(dirs: CgroupDirs): CgroupStats {
  const cpuacct = controllerDir(dirs, 'cpuacct');
  const cpu = controllerDir(dirs, 'cpu');
  const memory = controllerDir(dirs, 'memory');
  const pids = controllerDir(dirs, 'pids');
  // cpuacct.stat counts USER_HZ (100 Hz) ticks; runc reports nanoseconds.
  const ticks = keyValues(cpuacct, 'cpuacct.stat');
  const throttling = keyValues(cpu, 'cpu.stat');
  const raw = keyValues(memory, 'memory.stat');
  const entry = (prefix: string): MemoryEntry => ({
    limit: limitV1(number(memory, `${prefix}.limit_in_bytes`)),
    usage: number(memory, `${prefix}.usage_in_bytes`),
    max: number(memory, `${prefix}.max_usage_in_bytes`),
    failcnt: number(memory, `${prefix}.failcnt`),
  });
  return {
    cpu: {
      usage: {
        total: number(cpuacct, 'cpuacct.usage'),
        percpu: (text(cpuacct, 'cpuacct.usage_percpu') ?? '').split(/\s+/).filter(Boolean).map(Number),
        kernel: (ticks.system ?? 0) * 1e7,
        user: (ticks.user ?? 0) * 1e7,
      },
      throttling: {
        periods: throttling.nr_periods ?? 0,
        throttled_periods: throttling.nr_throttled ?? 0,
        throttled_time: throttling.throttled_time ?? 0,
      },
    },
    memory: { cache: raw.total_cache ?? raw.cache, usage: entry('memory'), swap: entry('memory.memsw'), raw },
    pids: { current: number(pids, 'pids.current'), limit: number(pids, 'pids.max') },
  };
}

function statsV2(dir: string): CgroupStats {
  const cpu = keyValues(dir, 'cpu.stat');
  const raw = keyValues(dir, 'memory.stat');
  const events = keyValues(dir, 'memory.events');
  return {
    cpu: {
      usage: {
        total: (cpu.usage_usec ?? 0) * 1000,
        kernel: (cpu.system_usec ?? 0) * 1000,
        user: (cpu.user_usec ?? 0) * 1000,
      },
      throttling: {
        periods: cpu.nr_periods ?? 0,
        throttled_periods: cpu.nr_throttled ?? 0,
        throttled_time: (cpu.throttled_usec ?? 0) * 1000,
      },
    },
    memory: {
      cache: raw.file,
      usage: {
        limit: number(dir, 'memory.max'),
        usage: number(dir, 'memory.current'),
        max: text(dir, 'memory.peak') === undefined ? undefined : number(dir, 'memory.peak'),
        failcnt: events.max ?? 0,
      },
      swap: {
        limit: number(dir, 'memory.swap.max'),
        usage: number(dir, 'memory.swap.current'),
        failcnt: keyValues(dir, 'memory.swap.events').max ?? 0,
      },
      raw,
    },
    pids: { current: number(dir, 'pids.current'), limit: number(dir, 'pids.max') },
  };
}

/** JSON for a stats event; unlimited limits become 18446744073709551615 (2^64-1), as in runc. */
export function statsJson(event: { type: 'stats'; id: string; data: CgroupStats }): string {
  return JSON.stringify(event, (key, value) =>
    key === 'limit' && value === unlimited ? '\0max' : value,
  ).replace(/"\\u0000max"/g, '18446744073709551615');
}
