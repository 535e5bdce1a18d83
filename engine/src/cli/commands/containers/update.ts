// `berth update`: new resource limits or restart policy for containers, which berthd writes into
// the cgroup of a running one at once (as `docker update` does) and keeps for its next starts.
import { flagString, UsageError, type ParsedArgs } from '../../args';
import type { Command } from '../command';
import { forEachName } from '../each-name';
import { parseBytes, restartPolicy } from './create-options';

export const update: Command = {
  name: 'update',
  usage: 'berth update [OPTIONS] CONTAINER [CONTAINER...]',
  summary: 'Update configuration of one or more containers',
  engine: 'daemon',
  flags: [
    { name: 'memory', short: 'm', type: 'string', description: 'Memory limit', value: 'bytes' },
    {
      name: 'memory-swap',
      type: 'string',
      description: 'Swap limit equal to memory plus swap: -1 to enable unlimited swap',
      value: 'bytes',
    },
    { name: 'cpus', type: 'string', description: 'Number of CPUs', value: 'decimal' },
    {
      name: 'cpu-shares',
      short: 'c',
      type: 'string',
      description: 'CPU shares (relative weight)',
      value: 'int',
    },
    {
      name: 'cpu-period',
      type: 'string',
      description: 'Limit CPU CFS (Completely Fair Scheduler) period',
      value: 'int',
    },
    {
      name: 'cpu-quota',
      type: 'string',
      description: 'Limit CPU CFS (Completely Fair Scheduler) quota',
      value: 'int',
    },
    {
      name: 'pids-limit',
      type: 'string',
      description: 'Tune container pids limit (set -1 for unlimited)',
      value: 'int',
    },
    {
      name: 'restart',
      type: 'string',
      description: 'Restart policy to apply when a container exits',
      value: 'string',
    },
  ],
  args: [1],
  complete: ['container'],
  async run(ctx, args) {
    const body = updateBody(args);
    if (Object.keys(body).length === 0)
      throw new UsageError('you must provide one or more flags when using this command');
    const daemon = await ctx.daemon();
    return forEachName(ctx, args.positional, async (id) => {
      const answer = await daemon.post<{ Warnings?: string[] | null }>(
        `/containers/${encodeURIComponent(id)}/update`,
        body,
      );
      for (const warning of answer.Warnings ?? []) ctx.stderr.write(`WARNING: ${warning}\n`);
      ctx.stdout.write(`${id}\n`);
    });
  },
};

/** The POST /containers/{id}/update body: only what a flag sets, so the rest stays as it is. */
export function updateBody(args: ParsedArgs): Record<string, unknown> {
  const text = (name: string) => flagString(args, name);
  const integer = (name: string): number | undefined => {
    const value = text(name);
    if (value === undefined) return undefined;
    if (!/^-?\d+$/.test(value.trim())) throw new UsageError(`invalid --${name} "${value}": not an integer`);
    return Number(value);
  };
  const bytes = (name: string): number | undefined => {
    const value = text(name);
    if (value === undefined) return undefined;
    return value.trim() === '-1' ? -1 : parseBytes(value);
  };
  const cpus = text('cpus');
  if (cpus !== undefined && !(Number(cpus) >= 0))
    throw new UsageError(`invalid --cpus "${cpus}": not a number`);
  const body: Record<string, unknown> = {
    Memory: bytes('memory'),
    MemorySwap: bytes('memory-swap'),
    NanoCpus: cpus === undefined ? undefined : Math.round(Number(cpus) * 1e9),
    CpuShares: integer('cpu-shares'),
    CpuPeriod: integer('cpu-period'),
    CpuQuota: integer('cpu-quota'),
    PidsLimit: integer('pids-limit'),
    RestartPolicy: restartPolicy(text('restart')),
  };
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
}
