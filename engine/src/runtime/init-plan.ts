// The whole sequence a container's init runs, composed from namespaces, rootfs and process setup:
// one program for `create`, one for `exec` (join a running container).
import type { IDMapping, NamespaceType, Spec } from '../oci/runtime-spec';
import { CLONE } from './linux/constants';
import type { InitSyscalls } from './linux/init-program';
import { SyncPoint } from './linux/init-program';
import type { NamespacePlan } from './namespaces';
import { namespaceFlags, unshareFlags } from './namespaces';
import type { ProcessContext } from './process';
import { initialAffinity, setupProcess } from './process';
import type { RootfsContext } from './rootfs';
import { finishRootfs, setupRootfs } from './rootfs';

export interface CreatePlan {
  spec: Spec;
  namespaces: NamespacePlan;
  /** Child fd numbers of the namespace files to join. */
  namespaceFds: Map<NamespaceType, number>;
  rootfs: RootfsContext;
  process: ProcessContext;
  /** The supervisor leaves right away (the CLI's `create`): the caller's subreaper inherits the container. */
  detach: boolean;
  /** Child fd where the supervisor writes the exit status (-1: none). */
  exitFd: number;
  /** Child fds of the container's cgroup.procs files. */
  cgroupProcs: number[];
  /** Child fd of the socket where the supervisor reports the exit status (-1: none). */
  statusFd: number;
}

/** Types entered before the fork (they apply to children): user, then pid and time. */
const beforeFork: NamespaceType[] = ['user', 'pid', 'time'];
/** Joined after the fork, mount last: setns into it changes the root. */
const joinOrder: NamespaceType[] = ['ipc', 'uts', 'network', 'cgroup', 'mount'];

export function buildCreateProgram(sys: InitSyscalls, plan: CreatePlan): void {
  const { spec, namespaces: ns } = plan;
  initialAffinity(sys, plan.process.process);
  enterBeforeFork(sys, ns, plan.namespaceFds, spec);
  sys.fork({
    detach: plan.detach,
    exitFd: plan.exitFd,
    cgroupProcs: plan.cgroupProcs,
    statusFd: plan.statusFd,
  });
  for (const type of joinOrder) {
    const fd = plan.namespaceFds.get(type);
    if (ns.join.has(type) && fd !== undefined) sys.setns(fd, namespaceFlags[type]);
  }
  const flags = unshareFlags(ns);
  if (flags) sys.unshare(flags);
  if (ns.create.has('network')) sys.loopbackUp();

  if (!ns.has.has('mount')) {
    throw new Error(
      'linux.namespaces has no "mount": berth-runtime needs a mount namespace to set up the root filesystem',
    );
  }
  // The supervisor moves us into the cgroup while we set up the mounts; wait for it only where
  // it matters: before a namespaced cgroup2 mount (it shows the namespace's root), else before
  // the credentials and exec.
  const cgroupMount = (spec.mounts ?? []).some((m) => m.type === 'cgroup' || m.type === 'cgroup2');
  const early = cgroupMount && plan.rootfs.cgroup.version === 2 && plan.rootfs.cgroup.namespaced;
  const enterCgroup = () => {
    sys.waitCgroup();
    if (ns.create.has('cgroup')) sys.unshare(CLONE.NEWCGROUP);
  };
  if (early) enterCgroup();
  if (ns.create.has('mount')) setupRootfs(sys, plan.rootfs);
  if (spec.hostname) sys.sethostname(spec.hostname);
  if (spec.domainname) sys.setdomainname(spec.domainname);
  for (const [key, value] of Object.entries(spec.linux?.sysctl ?? {})) {
    checkSysctl(key, ns);
    sys.writeFile(`/proc/sys/${key.replace(/\./g, '/')}`, value);
  }
  if (ns.create.has('mount')) finishRootfs(sys, spec);
  if (!early) enterCgroup();
  setupProcess(sys, plan.process);
}

export interface ExecPlan {
  /** Child fd numbers of the running container's namespace files (/proc/<pid>/ns/*). */
  namespaceFds: Map<NamespaceType, number>;
  detach: boolean;
  exitFd: number;
  cgroupProcs: number[];
  statusFd: number;
  process: ProcessContext;
}

export function buildExecProgram(sys: InitSyscalls, plan: ExecPlan): void {
  initialAffinity(sys, plan.process.process);
  for (const type of beforeFork) {
    const fd = plan.namespaceFds.get(type);
    if (fd !== undefined) sys.setns(fd, namespaceFlags[type]);
  }
  sys.fork({
    detach: plan.detach,
    exitFd: plan.exitFd,
    cgroupProcs: plan.cgroupProcs,
    statusFd: plan.statusFd,
  });
  for (const type of joinOrder) {
    const fd = plan.namespaceFds.get(type);
    if (fd !== undefined) sys.setns(fd, namespaceFlags[type]);
  }
  sys.waitCgroup();
  setupProcess(sys, plan.process);
}

function enterBeforeFork(
  sys: InitSyscalls,
  ns: NamespacePlan,
  fds: Map<NamespaceType, number>,
  spec: Spec,
): void {
  if (ns.join.has('user')) {
    sys.setns(fds.get('user')!, CLONE.NEWUSER);
  } else if (ns.create.has('user')) {
    sys.unshare(CLONE.NEWUSER);
    sys.sync(SyncPoint.USERNS_MAPS);
    // Become the namespace's root, so what follows (namespaces, mounts) is owned by it.
    sys.setresgid(0, 0, 0);
    sys.setresuid(0, 0, 0);
  }
  for (const type of ['pid', 'time'] as const) {
    if (ns.join.has(type)) sys.setns(fds.get(type)!, namespaceFlags[type]);
    else if (ns.create.has(type)) sys.unshare(namespaceFlags[type]);
  }
  if (ns.create.has('time')) {
    for (const [clock, offset] of Object.entries(spec.linux?.timeOffsets ?? {})) {
      sys.writeFile('/proc/self/timens_offsets', `${clock} ${offset.secs ?? 0} ${offset.nanosecs ?? 0}`);
    }
  }
}

/** The text written to /proc/<pid>/uid_map or gid_map. */
export function idMapText(mappings: IDMapping[]): string {
  return mappings.map((m) => `${m.containerID} ${m.hostID} ${m.size}\n`).join('');
}

const ipcSysctls = new Set([
  'kernel.msgmax',
  'kernel.msgmnb',
  'kernel.msgmni',
  'kernel.sem',
  'kernel.shmall',
  'kernel.shmmax',
  'kernel.shmmni',
  'kernel.shm_rmid_forced',
]);

/** Only namespaced sysctls may be set, and only when the container has that namespace (as runc). */
export function checkSysctl(key: string, ns: NamespacePlan): void {
  const need = (type: NamespaceType, why: string) => {
    if (!ns.create.has(type) && !ns.join.has(type)) {
      throw new Error(
        `linux.sysctl "${key}" needs a ${type} namespace (${why}): add {"type": "${type}"} to linux.namespaces`,
      );
    }
  };
  if (ipcSysctls.has(key) || key.startsWith('fs.mqueue.')) need('ipc', 'it is per IPC namespace');
  else if (key.startsWith('net.')) need('network', 'it is per network namespace');
  else if (key === 'kernel.hostname' || key === 'kernel.domainname') need('uts', 'it is per UTS namespace');
  else
    throw new Error(
      `linux.sysctl "${key}" is not namespaced: setting it would change the host, so it is refused`,
    );
}
