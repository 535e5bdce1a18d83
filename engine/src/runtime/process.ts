// The last steps before the user's program runs: session and terminal, limits, credentials,
// capabilities, no_new_privs and seccomp, then (for `create`) parking until `start`.
import type { Process } from '../oci/runtime-spec';
import type { CapabilitySets } from './capabilities';
import { capabilityBits } from './capabilities';
import { PR, PR_CAP_AMBIENT_RAISE, RLIMIT } from './linux/constants';
import type { HookCall, InitSyscalls } from './linux/init-program';
import { cpuMask, ioprioValue, schedAttr } from './scheduling';

export interface ProcessContext {
  process: Process;
  capabilities: CapabilitySets;
  /** /proc/sys/kernel/cap_last_cap */
  lastCap: number;
  seccomp?: { filter: Buffer; flags: number };
  /** False when the user namespace's setgroups is "deny". */
  setgroupsAllowed: boolean;
  /** The process environment, with HOME filled in when config.json leaves it out. */
  env: string[];
  /** Fd of the console channel (a socket to the runtime), when process.terminal is set. */
  consoleFd?: number;
  preserveFds: number;
  /** For `create`: park on this listening socket until `start`; absent for `exec`. */
  start?: { listenerFd: number; hooks: HookCall[] };
  /** linux.personality, as the personality(2) value. */
  personality?: number;
}

/** linux.personality's domains (sys/personality.h). */
export function personalityValue(p: { domain: string; flags?: string[] } | undefined): number | undefined {
  if (!p) return undefined;
  const domains: Record<string, number> = { LINUX: 0x0000, LINUX32: 0x0008 };
  const value = domains[p.domain];
  if (value === undefined) throw new Error(`linux.personality.domain "${p.domain}" is not LINUX or LINUX32`);
  if (p.flags?.length) throw new Error('linux.personality.flags are not supported by berth-runtime yet');
  return value;
}

export const defaultPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** RLIM_INFINITY as config.json writes it (2^64-1 does not fit a JSON number exactly). */
function rlimitValue(n: number): bigint {
  return n < 0 || n >= 2 ** 63 ? 0xffffffffffffffffn : BigInt(Math.trunc(n));
}

export function envValue(env: string[], name: string): string | undefined {
  const prefix = `${name}=`;
  return env.find((e) => e.startsWith(prefix))?.slice(prefix.length);
}

/** execCPUAffinity.initial: set first, before the process joins the container's cgroup. */
export function initialAffinity(sys: InitSyscalls, p: Process): void {
  const cpus = p.execCPUAffinity?.initial;
  if (cpus) sys.schedSetaffinity(cpuMask(cpus, 'process.execCPUAffinity.initial'), cpus);
}

export function setupProcess(sys: InitSyscalls, ctx: ProcessContext): void {
  const p = ctx.process;
  const args = p.args ?? [];
  if (args.length === 0) throw new Error('process.args is empty: set the program to run, e.g. ["sh"]');

  // Now in the container's cgroup (its cpuset): the affinity the program starts with.
  const finalCpus = p.execCPUAffinity?.final;
  if (finalCpus) sys.schedSetaffinity(cpuMask(finalCpus, 'process.execCPUAffinity.final'), finalCpus);
  sys.chdir(p.cwd || '/');
  sys.setsid();
  if (p.terminal) {
    if (ctx.consoleFd === undefined)
      throw new Error('process.terminal is set but there is no console channel');
    sys.console(p.consoleSize?.height ?? 0, p.consoleSize?.width ?? 0, ctx.consoleFd);
  }
  if (p.oomScoreAdj !== undefined) sys.writeFile('/proc/self/oom_score_adj', String(p.oomScoreAdj));
  if (ctx.personality !== undefined) sys.personality(ctx.personality);
  for (const r of p.rlimits ?? []) {
    const resource = RLIMIT[r.type];
    if (resource === undefined)
      throw new Error(`process.rlimits: unknown type "${r.type}" (use RLIMIT_NOFILE, RLIMIT_NPROC, …)`);
    sys.setrlimit(resource, rlimitValue(r.soft), rlimitValue(r.hard));
  }
  // Before the capabilities go: real-time policies need CAP_SYS_NICE, the RT I/O class CAP_SYS_ADMIN.
  if (p.scheduler) sys.schedSetattr(schedAttr(p.scheduler));
  if (p.ioPriority) sys.ioprioSet(ioprioValue(p.ioPriority));

  // Without no_new_privs, installing a filter needs CAP_SYS_ADMIN: load it while we still have
  // it. The filter must then allow the few calls below (Docker's profile does).
  const earlySeccomp = ctx.seccomp && !p.noNewPrivileges;
  if (earlySeccomp) sys.seccomp(ctx.seccomp!.flags, ctx.seccomp!.filter);

  for (let cap = 0; cap <= ctx.lastCap; cap++) {
    if ((ctx.capabilities.bounding & (1n << BigInt(cap))) === 0n) sys.prctl(PR.CAPBSET_DROP, cap);
  }
  const { uid, gid } = p.user;
  sys.prctl(PR.SET_KEEPCAPS, 1);
  if (ctx.setgroupsAllowed) sys.setgroups(p.user.additionalGids ?? []);
  sys.setresgid(gid, gid, gid);
  sys.setresuid(uid, uid, uid);
  sys.prctl(PR.SET_KEEPCAPS, 0);
  const caps = ctx.capabilities;
  sys.capset(caps.effective, caps.permitted, caps.inheritable);
  // The kernel raises an ambient capability only if it is permitted and inheritable; runc's
  // default spec lists ambient ones without inheritable, so the others are skipped, not fatal.
  for (const cap of capabilityBits(caps.ambient & caps.permitted & caps.inheritable)) {
    sys.prctl(PR.CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap);
  }
  sys.umask(p.user.umask ?? 0o022);
  sys.findExec(args[0], envValue(ctx.env, 'PATH') ?? defaultPath);
  if (p.noNewPrivileges) sys.prctl(PR.SET_NO_NEW_PRIVS, 1);

  if (ctx.start) {
    sys.ready();
    sys.waitStart(ctx.start.listenerFd, 3 + ctx.preserveFds);
    for (const hook of ctx.start.hooks) sys.runHook(hook);
  }
  if (ctx.seccomp && !earlySeccomp) sys.seccomp(ctx.seccomp.flags, ctx.seccomp.filter);
  sys.exec(args, ctx.env, ctx.preserveFds);
}
