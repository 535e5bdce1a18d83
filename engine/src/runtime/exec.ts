// `exec`: a new process inside a running container (its namespaces, cgroup, seccomp filter), and
// createContainer hooks, which run inside the container's namespaces before pivot_root.
import { checkMappedUser } from './linux/userns';
import { openSync } from 'node:fs';
import type { Hook, NamespaceType, Process, State } from '../oci/runtime-spec';
import { resolveCapabilities } from './capabilities';
import { cgroupFromDirs } from './cgroups';
import type { RuntimeContext } from './context';
import { withHome, writeFileAtomic } from './create';
import { buildExecProgram } from './init-plan';
import type { ProcessStreams, StdioSpec } from './io';
import { prepareStdio } from './io';
import { ChildFds, exitReport, runInit } from './linux/helper';
import { InitProgram } from './linux/init-program';
import type { NamespacePlan } from './namespaces';
import { namespaceFlags, namespaceProcName, planNamespaces } from './namespaces';
import { defaultPath } from './process';
import { compileSeccomp } from './seccomp';
import type { ContainerRecord } from './state';

export interface ExecOptions {
  stdio?: [StdioSpec, StdioSpec, StdioSpec];
  consoleSocket?: string;
  pidFile?: string;
  preserveFds?: number[];
  /** Leave nobody waiting on the process (the CLI's `exec --detach`). */
  detach?: boolean;
}

export interface ExecedProcess {
  pid: number;
  /** The raw wait status, reported when the process ends (absent when detached). */
  exit?: Promise<number | null>;
  streams: ProcessStreams;
  consoleFd?: number;
}

/** Opens /proc/<pid>/ns/* of each namespace the container has, as fds for the child. */
function openNamespaces(
  pid: number,
  types: Iterable<NamespaceType>,
  fds: ChildFds,
  opened: number[],
): Map<NamespaceType, number> {
  const result = new Map<NamespaceType, number>();
  for (const type of types) {
    const fd = openSync(`/proc/${pid}/ns/${namespaceProcName[type]}`, 'r');
    opened.push(fd);
    result.set(type, fds.add(fd));
  }
  return result;
}

export async function execInContainer(
  ctx: RuntimeContext,
  record: ContainerRecord,
  proc: Process,
  options: ExecOptions,
): Promise<ExecedProcess> {
  const { host } = ctx;
  const config = record.config;
  const namespaces = planNamespaces(config);
  if (!namespaces.create.has('user')) checkMappedUser(proc.user);
  const opened: number[] = [];
  const stdio = prepareStdio(options.stdio ?? ['ignore', 'ignore', 'ignore'], host);
  let statusOurs = -1;
  try {
    const fds = new ChildFds(stdio.child, options.preserveFds ?? []);
    const namespaceFds = openNamespaces(record.pid, namespaces.has, fds, opened);
    let consoleParent = -1;
    let consoleChild: number | undefined;
    if (proc.terminal) {
      const [a, b] = host.socketPair();
      opened.push(a, b);
      consoleParent = a;
      consoleChild = fds.add(b);
    }
    const cgroup = cgroupFromDirs(record.cgroup.version, record.cgroup.dirs, ctx.cgroupHost());
    const cgroupProcs = cgroup.procsFiles().map((path) => {
      const fd = openSync(path, 'w');
      opened.push(fd);
      return fds.add(fd);
    });
    let statusFd = -1;
    if (!options.detach) {
      const [ours, theirs] = host.socketPair();
      statusOurs = ours;
      opened.push(theirs);
      statusFd = fds.add(theirs);
    }
    const caps = resolveCapabilities(proc.capabilities, ctx.ownCapabilities());
    const seccomp = config.linux?.seccomp
      ? compileSeccomp(config.linux.seccomp, ctx.seccompCompiler)
      : undefined;
    const program = new InitProgram();
    buildExecProgram(program, {
      namespaceFds,
      detach: options.detach ?? false,
      exitFd: -1,
      statusFd,
      cgroupProcs,
      process: {
        process: proc,
        capabilities: caps.sets,
        lastCap: ctx.lastCap(),
        seccomp: seccomp && { filter: seccomp.filter, flags: seccomp.flags },
        setgroupsAllowed: (!namespaces.create.has('user') || ctx.isRoot) && ctx.setgroupsAllowed,
        env: withHome(proc.env ?? [`PATH=${defaultPath}`], record.rootfs, proc.user.uid),
        consoleFd: consoleChild,
        preserveFds: options.preserveFds?.length ?? 0,
      },
    });
    const result = await runInit({
      helper: ctx.helper(),
      host,
      program,
      fds,
      untilExec: true,
      onSync: () => undefined,
    });
    stdio.closeChildEnds();
    const consoleFd = proc.terminal ? ctx.takeConsole(consoleParent, options.consoleSocket) : undefined;
    if (options.pidFile) writeFileAtomic(options.pidFile, String(result.pid));
    return {
      pid: result.pid,
      exit: options.detach ? undefined : exitReport(statusOurs),
      streams: stdio.streams,
      consoleFd,
    };
  } catch (err) {
    stdio.closeAll();
    if (statusOurs >= 0) host.close(statusOurs);
    throw err;
  } finally {
    opened.forEach((fd) => host.close(fd));
  }
}

/** Runs a createContainer hook inside the container's namespaces (the root not yet pivoted). */
export async function execHookInContainer(
  ctx: RuntimeContext,
  pid: number,
  namespaces: NamespacePlan,
  hook: Hook,
  state: State,
): Promise<void> {
  const opened: number[] = [];
  try {
    const fds = new ChildFds([0, 1, 2]);
    const nsFds = openNamespaces(pid, namespaces.has, fds, opened);
    const program = new InitProgram();
    for (const type of ['user', 'pid', 'time'] as const) {
      const fd = nsFds.get(type);
      if (fd !== undefined) program.setns(fd, namespaceFlags[type]);
    }
    const [ours, theirs] = ctx.host.socketPair();
    opened.push(theirs);
    const exit = exitReport(ours);
    program.fork({ detach: false, exitFd: -1, cgroupProcs: [], statusFd: fds.add(theirs) });
    for (const type of ['ipc', 'uts', 'network', 'cgroup', 'mount'] as const) {
      const fd = nsFds.get(type);
      if (fd !== undefined) program.setns(fd, namespaceFlags[type]);
    }
    program.runHook({
      path: hook.path,
      args: hook.args ?? [hook.path],
      env: hook.env ?? [],
      timeout: hook.timeout ?? 0,
      state: JSON.stringify(state),
    });
    await runInit({
      helper: ctx.helper(),
      host: ctx.host,
      program,
      fds,
      untilExec: true,
      onSync: () => undefined,
    });
    // Our copies go now: the status socket only closes once nobody but the supervisor holds it.
    opened.splice(0).forEach((fd) => ctx.host.close(fd));
    const status = await exit;
    if (status !== 0) throw new Error(`createContainer hook ${hook.path} failed (wait status ${status})`);
  } finally {
    opened.forEach((fd) => ctx.host.close(fd));
  }
}
