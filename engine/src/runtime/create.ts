// `create`: from a bundle to a parked container (its namespaces, mounts, cgroup and credentials
// set up, waiting on its start socket). Any failure undoes everything made so far: no process,
// cgroup, mount (they live in the container's mount namespace) or state is left behind.
import { checkMappedUser, isMapped, userNamespace } from './linux/userns';
import { existsSync, openSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { NamespaceType, Spec, State } from '../oci/runtime-spec';
import { ociRuntimeVersion } from '../oci/runtime-spec';
import { resolveCapabilities } from './capabilities';
import type { Cgroup } from './cgroups';
import { containerCgroup, effectiveDeviceRules } from './cgroups';
import { containerDevices } from './devices';
import { runHooks } from './hooks';
import { buildCreateProgram, idMapText } from './init-plan';
import type { ProcessStreams, StdioSpec } from './io';
import { prepareStdio } from './io';
import { ChildFds, exitReport, runInit } from './linux/helper';
import { InitProgram, SyncPoint } from './linux/init-program';
import { planNamespaces } from './namespaces';
import { defaultPath, envValue, personalityValue } from './process';
import type { SourceKind } from './rootfs';
import { rootfsPath } from './rootfs';
import type { RuntimeContext } from './context';
import { compileSeccomp } from './seccomp';
import { checkSupported, loadSpec, validateSpec } from './spec';
import type { ContainerRecord } from './state';
import { processStartTime } from './state';
import { execHookInContainer } from './exec';

export interface CreateOptions {
  /** The bundle directory (config.json and, usually, rootfs/). */
  bundle: string;
  /** The configuration, when the caller has it in memory (else bundle/config.json is read). */
  spec?: Spec;
  /** stdin, stdout, stderr of the container's process (default: all 'ignore'). */
  stdio?: [StdioSpec, StdioSpec, StdioSpec];
  /** With process.terminal: send the pty master to this Unix socket (runc's --console-socket). */
  consoleSocket?: string;
  /** Write the container's pid here once it is created. */
  pidFile?: string;
  /** Our fds passed to the container at 3, 4, … (runc's --preserve-fds). */
  preserveFds?: number[];
  /**
   * Leave nobody waiting on the container (the CLI's `create`): our caller's subreaper (conmon,
   * or init) becomes its parent. The default keeps a tiny supervisor that reports the exit status.
   */
  detach?: boolean;
  /** chroot instead of pivot_root (runc's --no-pivot). */
  noPivot?: boolean;
}

export interface CreatedContainer {
  record: ContainerRecord;
  /** Unless detached: the raw wait status, reported by the supervisor when the process ends. */
  exit?: Promise<number | null>;
  streams: ProcessStreams;
  /** With process.terminal and no console socket: the pty master, ours to read and close. */
  consoleFd?: number;
  cgroup: Cgroup;
}

/** The container's state as hooks and `state` show it. */
export function stateOf(
  record: Pick<ContainerRecord, 'id' | 'bundle' | 'pid' | 'config'>,
  status: State['status'],
): State {
  return {
    ociVersion: ociRuntimeVersion,
    id: record.id,
    status,
    pid: status === 'stopped' ? undefined : record.pid,
    bundle: record.bundle,
    annotations: record.config.annotations ?? {},
  };
}

function sourceKind(path: string): SourceKind {
  try {
    return statSync(path).isDirectory() ? 'dir' : 'file';
  } catch {
    return 'missing';
  }
}

/** HOME from the container's /etc/passwd when config.json does not set it (as runc), else "/". */
export function withHome(env: string[], rootfs: string, uid: number): string[] {
  if (envValue(env, 'HOME') !== undefined) return env;
  let home = '/';
  try {
    for (const line of readFileSync(`${rootfs}/etc/passwd`, 'utf8').split('\n')) {
      const f = line.split(':');
      if (f.length >= 6 && Number(f[2]) === uid) {
        home = f[5] || '/';
        break;
      }
    }
  } catch {
    // no passwd file: "/"
  }
  return [...env, `HOME=${home}`];
}

/** Tracks what create has made, so a failure can undo exactly that. */
class Undo {
  private readonly steps: (() => void | Promise<void>)[] = [];
  add(step: () => void | Promise<void>): void {
    this.steps.push(step);
  }
  async run(): Promise<void> {
    for (const step of this.steps.reverse()) {
      try {
        await step();
      } catch {
        // keep undoing the rest
      }
    }
  }
}

export async function createContainer(
  ctx: RuntimeContext,
  id: string,
  options: CreateOptions,
): Promise<CreatedContainer> {
  const { store, host } = ctx;
  store.reserve(id);
  const undo = new Undo();
  undo.add(() => store.remove(id));
  const parentFds: number[] = [];
  undo.add(() => parentFds.forEach((fd) => host.close(fd)));
  try {
    const spec = options.spec ?? loadSpec(options.bundle);
    if (options.spec) validateSpec(spec);
    checkSupported(spec, (m) => ctx.log.warn(m));
    const process = spec.process!;
    const rootfs = rootfsPath(spec, options.bundle);
    if (!existsSync(rootfs))
      throw new Error(`root.path ${rootfs} does not exist: unpack the image there or fix root.path`);
    const namespaces = planNamespaces(spec);
    if (!namespaces.create.has('user')) checkMappedUser(process.user);
    const caps = resolveCapabilities(process.capabilities, ctx.ownCapabilities());
    if (caps.unavailable.length)
      ctx.log.warn(
        `capabilities not available to berth-runtime here, dropped: ${caps.unavailable.join(', ')}`,
      );
    const seccomp = spec.linux?.seccomp ? compileSeccomp(spec.linux.seccomp, ctx.seccompCompiler) : undefined;
    if (seccomp?.unknown.length)
      ctx.log.debug(
        `seccomp: syscalls unknown to ${seccomp.compiler}, left to the default action: ${seccomp.unknown.join(', ')}`,
      );

    const cgroup = containerCgroup(ctx.cgroupHost(), spec.linux?.cgroupsPath || `/berth/${id}`);
    const existed = Object.values(cgroup.dirs).some((d) => existsSync(d));
    if (existed && cgroup.procs().length) {
      throw new Error(
        `cgroup ${Object.values(cgroup.dirs)[0]} already has processes: give the container its own linux.cgroupsPath`,
      );
    }
    cgroup.create();
    if (!existed) undo.add(() => ctx.destroyCgroup(cgroup));
    cgroup.apply(
      spec.linux?.resources,
      effectiveDeviceRules(spec.linux?.resources?.devices, containerDevices(spec.linux?.devices)),
    );

    const stdio = prepareStdio(options.stdio ?? ['ignore', 'ignore', 'ignore'], host);
    undo.add(() => stdio.closeAll());
    const fds = new ChildFds(stdio.child, options.preserveFds ?? []);
    const listener = host.listenUnix(store.startSocket(id));
    parentFds.push(listener);
    const detach = options.detach ?? false;
    let exitFd = -1;
    let statusFd = -1;
    let statusOurs = -1;
    if (!detach) {
      const fd = openSync(store.exitFile(id), 'w', 0o600);
      parentFds.push(fd);
      exitFd = fds.add(fd);
      const [ours, theirs] = host.socketPair();
      statusOurs = ours;
      undo.add(() => host.close(ours));
      parentFds.push(theirs);
      statusFd = fds.add(theirs);
    }
    let consoleParent = -1;
    let consoleChild = -1;
    if (process.terminal) {
      const [a, b] = host.socketPair();
      consoleParent = a;
      parentFds.push(a, b);
      consoleChild = fds.add(b);
    }
    const cgroupProcs = cgroup.procsFiles().map((path) => {
      const fd = openSync(path, 'w');
      parentFds.push(fd);
      return fds.add(fd);
    });
    const namespaceFds = new Map<NamespaceType, number>();
    for (const [type, path] of namespaces.join) {
      let fd: number;
      try {
        fd = openSync(path, 'r');
      } catch (err) {
        throw new Error(
          `linux.namespaces: cannot open the ${type} namespace at ${path}: ${(err as NodeJS.ErrnoException).code}`,
        );
      }
      parentFds.push(fd);
      namespaceFds.set(type, fds.add(fd));
    }

    const hooks = spec.hooks ?? {};
    const createHooks = Boolean(
      hooks.prestart?.length || hooks.createRuntime?.length || hooks.createContainer?.length,
    );
    const env = withHome(process.env ?? [`PATH=${defaultPath}`], rootfs, process.user.uid);
    const program = new InitProgram();
    buildCreateProgram(program, {
      spec,
      namespaces,
      namespaceFds,
      detach,
      exitFd,
      cgroupProcs,
      statusFd,
      rootfs: {
        spec,
        bundle: options.bundle,
        rootfs,
        namespaces,
        cgroup: cgroup.mountSource(namespaces.create.has('cgroup')),
        sourceKind,
        noPivot: options.noPivot ?? false,
        syncForHooks: createHooks,
        terminal: Boolean(process.terminal),
        inUserNamespace: ctx.inUserNamespace,
        gidMapped:
          ctx.inUserNamespace && !namespaces.create.has('user')
            ? (gid) => isMapped(userNamespace().gidMap, gid)
            : undefined,
      },
      process: {
        process,
        capabilities: caps.sets,
        lastCap: ctx.lastCap(),
        seccomp: seccomp && { filter: seccomp.filter, flags: seccomp.flags },
        setgroupsAllowed: (!namespaces.create.has('user') || ctx.isRoot) && ctx.setgroupsAllowed,
        personality: personalityValue(spec.linux?.personality),
        env,
        consoleFd: process.terminal ? consoleChild : undefined,
        preserveFds: options.preserveFds?.length ?? 0,
        start: {
          listenerFd: fds.add(listener),
          hooks: (hooks.startContainer ?? []).map((h) => ({
            path: h.path,
            args: h.args ?? [h.path],
            env: h.env ?? [],
            timeout: h.timeout ?? 0,
            state: '',
          })),
        },
      },
    });

    const record: ContainerRecord = {
      id,
      bundle: options.bundle,
      rootfs,
      created: new Date().toISOString(),
      owner: userInfo().username,
      annotations: spec.annotations ?? {},
      pid: -1,
      pidStartTime: '',
      started: false,
      cgroup: { version: cgroup.version, dirs: cgroup.dirs },
      config: spec,
    };

    const result = await runInit({
      helper: ctx.helper(),
      host,
      program,
      fds,
      onSync: async (point, ids) => {
        if (point === SyncPoint.USERNS_MAPS) {
          writeFileSync(`/proc/${ids.helperPid}/uid_map`, idMapText(spec.linux!.uidMappings!));
          if (!ctx.isRoot) writeFileSync(`/proc/${ids.helperPid}/setgroups`, 'deny');
          writeFileSync(`/proc/${ids.helperPid}/gid_map`, idMapText(spec.linux!.gidMappings!));
        } else if (point === SyncPoint.CREATE_HOOKS) {
          const state = stateOf({ ...record, pid: ids.containerPid }, 'creating');
          await runHooks('prestart', hooks.prestart, state);
          await runHooks('createRuntime', hooks.createRuntime, state);
          for (const hook of hooks.createContainer ?? [])
            await execHookInContainer(ctx, ids.containerPid, namespaces, hook, state);
        }
      },
    }).catch((err: Error & { containerPid?: number }) => {
      // The init is dead or being killed: wait for it before removing its cgroup.
      undo.add(() => ctx.waitGone(cgroup, err.containerPid ?? -1));
      throw err;
    });
    undo.add(() => ctx.waitGone(cgroup, result.pid));
    undo.add(() => {
      try {
        globalThis.process.kill(result.pid, 'SIGKILL');
      } catch {
        // gone
      }
    });
    stdio.closeChildEnds();

    const consoleFd = process.terminal ? ctx.takeConsole(consoleParent, options.consoleSocket) : undefined;
    parentFds.forEach((fd) => host.close(fd));
    parentFds.length = 0;

    record.pid = result.pid;
    record.pidStartTime = processStartTime(result.pid) ?? '';
    if (!detach) {
      record.supervisorPid = result.supervisorPid;
      record.supervisorStartTime = processStartTime(result.supervisorPid) ?? '';
    }
    if (!record.pidStartTime)
      throw new Error(`the container's init (pid ${result.pid}) died right after create`);
    store.write(record);
    if (options.pidFile) writeFileAtomic(options.pidFile, String(result.pid));
    return {
      record,
      exit: detach ? undefined : exitReport(statusOurs),
      streams: stdio.streams,
      consoleFd,
      cgroup,
    };
  } catch (err) {
    await undo.run();
    throw err;
  }
}

export function writeFileAtomic(path: string, data: string): void {
  // The rename keeps readers (conmon, podman) from seeing a half-written pid.
  writeFileSync(`${path}.tmp`, data);
  renameSync(`${path}.tmp`, path);
}
