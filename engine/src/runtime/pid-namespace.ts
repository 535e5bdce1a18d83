// A container's processes found through its pid namespace, for a runtime without cgroups (see
// cgroups/none.ts): every process whose /proc/<pid>/ns/pid is the one the container's first
// process made. A container sharing the runtime's pid namespace is only its first process then.
import { existsSync, readdirSync, readlinkSync } from 'node:fs';

function pidNamespace(pid: number | 'self', proc: string): string | undefined {
  try {
    return readlinkSync(`${proc}/${pid}/ns/pid`);
  } catch {
    return undefined;
  }
}

export function pidNamespaceMembers(leader: number, proc = '/proc'): number[] {
  const ns = pidNamespace(leader, proc);
  // Running but its namespace unreadable (a process of another user namespace): the leader at
  // least, so that stopping it still signals it; its children go with it.
  if (ns === undefined) return existsSync(`${proc}/${leader}`) ? [leader] : [];
  if (ns === pidNamespace('self', proc)) return [leader];
  const members: number[] = [];
  for (const name of readdirSync(proc)) {
    if (!/^\d+$/.test(name)) continue;
    if (pidNamespace(Number(name), proc) === ns) members.push(Number(name));
  }
  return members.sort((a, b) => a - b);
}
