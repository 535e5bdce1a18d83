// process.scheduler, process.ioPriority and process.execCPUAffinity, turned into the values
// sched_setattr(2), ioprio_set(2) and sched_setaffinity(2) take, with errors naming the field.
import type { IOPriority, Scheduler } from '../oci/runtime-spec';

const policies: Record<string, number> = {
  SCHED_OTHER: 0,
  SCHED_FIFO: 1,
  SCHED_RR: 2,
  SCHED_BATCH: 3,
  SCHED_ISO: 4,
  SCHED_IDLE: 5,
  SCHED_DEADLINE: 6,
};

const schedFlags: Record<string, number> = {
  SCHED_FLAG_RESET_ON_FORK: 0x01,
  SCHED_FLAG_RECLAIM: 0x02,
  SCHED_FLAG_DL_OVERRUN: 0x04,
  SCHED_FLAG_KEEP_POLICY: 0x08,
  SCHED_FLAG_KEEP_PARAMS: 0x10,
  SCHED_FLAG_UTIL_CLAMP_MIN: 0x20,
  SCHED_FLAG_UTIL_CLAMP_MAX: 0x40,
};

export interface SchedAttr {
  policy: number;
  flags: number;
  nice: number;
  priority: number;
  runtime: number;
  deadline: number;
  period: number;
}

export function schedAttr(s: Scheduler): SchedAttr {
  const policy = policies[s.policy];
  if (policy === undefined)
    throw new Error(
      `process.scheduler.policy "${s.policy}" is not one of ${Object.keys(policies).join(', ')}`,
    );
  let flags = 0;
  for (const name of s.flags ?? []) {
    const bit = schedFlags[name];
    if (bit === undefined)
      throw new Error(
        `process.scheduler.flags: "${name}" is not one of ${Object.keys(schedFlags).join(', ')}`,
      );
    flags |= bit;
  }
  const nice = s.nice ?? 0;
  if (!Number.isInteger(nice) || nice < -20 || nice > 19)
    throw new Error(`process.scheduler.nice ${nice} is outside -20..19`);
  const priority = s.priority ?? 0;
  const realtime = s.policy === 'SCHED_FIFO' || s.policy === 'SCHED_RR';
  if (realtime ? priority < 1 || priority > 99 : priority !== 0)
    throw new Error(
      `process.scheduler.priority ${priority}: ${s.policy} takes ${realtime ? '1..99' : '0 (priorities are for SCHED_FIFO and SCHED_RR)'}`,
    );
  const [runtime, deadline, period] = [s.runtime ?? 0, s.deadline ?? 0, s.period ?? 0];
  if (
    s.policy === 'SCHED_DEADLINE' &&
    !(runtime > 0 && runtime <= deadline && (period === 0 || deadline <= period))
  )
    throw new Error('process.scheduler: SCHED_DEADLINE needs 0 < runtime <= deadline <= period (ns)');
  return { policy, flags, nice, priority, runtime, deadline, period };
}

const ioClasses: Record<string, number> = { IOPRIO_CLASS_RT: 1, IOPRIO_CLASS_BE: 2, IOPRIO_CLASS_IDLE: 3 };

/** The ioprio_set(2) value: class << 13 | priority. */
export function ioprioValue(p: IOPriority): number {
  const cls = ioClasses[p.class];
  if (cls === undefined)
    throw new Error(
      `process.ioPriority.class "${p.class}" is not one of ${Object.keys(ioClasses).join(', ')}`,
    );
  if (!Number.isInteger(p.priority) || p.priority < 0 || p.priority > 7)
    throw new Error(`process.ioPriority.priority ${p.priority} is outside 0..7`);
  return (cls << 13) | p.priority;
}

const maxCpus = 1024;

/** A cpu list ("0-3,7") as the cpu_set_t bit mask sched_setaffinity takes. */
export function cpuMask(list: string, field: string): Buffer {
  const mask = Buffer.alloc(maxCpus / 8);
  for (const part of list.split(',')) {
    const m = /^\s*(\d+)(?:-(\d+))?\s*$/.exec(part);
    const [first, last] = m ? [Number(m[1]), Number(m[2] ?? m[1])] : [NaN, NaN];
    if (!m || first > last || last >= maxCpus)
      throw new Error(`${field} "${list}" is not a cpu list like "0-3,7" (cpus below ${maxCpus})`);
    for (let cpu = first; cpu <= last; cpu++) mask[cpu >> 3] |= 1 << (cpu & 7);
  }
  return mask;
}
