// Containers for the runtime's engine tests and benchmarks: a busybox root filesystem made once
// per process, bundles around it, and probes that ask the container what it sees.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { defaultMaskedPaths, defaultReadonlyPaths } from '../../engine/src/oci/docker-defaults';
import type { Spec } from '../../engine/src/oci/runtime-spec';
import type { ExitStatus } from '../../engine/src/runtime';
import {
  defaultSpec,
  dockerDefaultCapabilities,
  dockerDefaultSeccomp,
  Runtime,
} from '../../engine/src/runtime';
import { haveBusybox, makeBusyboxRootfs } from './busybox-rootfs';
import { skipIfBlocked } from './skip';

/** Why the runtime's engine tests cannot run here, or null when they can. */
export function runtimeTestsBlocked(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (namespaces, cgroups, mounts)';
  if (!haveBusybox()) return 'needs busybox-static (apt-get install busybox-static)';
  return null;
}

/**
 * Gives the calling describe block a Runtime whose state lives in this process's scratch dir: a
 * `before` hook skips the suite, printing why, when the runtime tests cannot run here, else hands the
 * Runtime to `use`; after each test every container it still holds is force-deleted (a failed test
 * must not leave any running), and after the suite the test cgroup parents are removed.
 */
export function runtimeForSuite(use: (rt: Runtime) => void): void {
  let rt: Runtime | undefined;
  before(function () {
    skipIfBlocked(this, runtimeTestsBlocked(), 'runtime engine tests');
    rt = new Runtime({ root: join(scratchDir(), 'state') });
    use(rt);
  });
  afterEach(async () => {
    for (const s of rt?.list() ?? []) await rt!.delete(s.id, { force: true }).catch(() => undefined);
  });
  after(removeTestCgroupParents);
}

let scratch: string | undefined;
let rootfs: string | undefined;

/** A temp directory for this test process, removed at exit. */
export function scratchDir(): string {
  if (!scratch) {
    scratch = mkdtempSync(join(tmpdir(), 'berth-rt-test-'));
    // Traversable by everyone: root in a user namespace is an ordinary uid on the host.
    chmodSync(scratch, 0o711);
    process.on('exit', () => rmSync(scratch!, { recursive: true, force: true }));
  }
  return scratch;
}

/** One busybox rootfs shared by the tests of this process (containers mount it read-only). */
export function sharedRootfs(): string {
  if (!rootfs) {
    rootfs = join(scratchDir(), 'rootfs');
    makeBusyboxRootfs(rootfs);
  }
  return rootfs;
}

export function uniqueId(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** runc's default container, running `sh -c script` without a terminal, in its own cgroup. */
export function probeSpec(script: string, id: string): Spec {
  const spec = defaultSpec();
  spec.process!.terminal = false;
  spec.process!.args = ['sh', '-c', script];
  spec.root = { path: sharedRootfs(), readonly: true };
  spec.linux!.cgroupsPath = `/berth-test/${id}`;
  return spec;
}

/** What `docker run` gives a container: Docker's capabilities, seccomp profile and paths. */
export function dockerLikeSpec(script: string, id: string): Spec {
  const spec = probeSpec(script, id);
  const caps = [...dockerDefaultCapabilities];
  spec.process!.capabilities = { bounding: caps, effective: caps, permitted: caps };
  spec.process!.noNewPrivileges = false;
  spec.process!.rlimits = [];
  spec.linux!.seccomp = dockerDefaultSeccomp({ capabilities: caps });
  spec.linux!.resources = {
    devices: [
      { allow: false, access: 'rwm' },
      { allow: true, type: 'c', access: 'm' },
      { allow: true, type: 'b', access: 'm' },
    ],
  };
  spec.linux!.maskedPaths = [...defaultMaskedPaths];
  spec.linux!.readonlyPaths = [...defaultReadonlyPaths];
  return spec;
}

export function makeBundle(spec: Spec, id: string): string {
  const bundle = join(scratchDir(), 'bundles', id);
  mkdirSync(bundle, { recursive: true });
  writeFileSync(join(bundle, 'config.json'), JSON.stringify(spec));
  return bundle;
}

function collect(stream: Readable | undefined): Promise<string> {
  return new Promise((resolve) => {
    if (!stream) return resolve('');
    let text = '';
    stream.on('data', (d: Buffer) => (text += d.toString()));
    stream.on('end', () => resolve(text));
    stream.on('close', () => resolve(text));
  });
}

export interface ProbeResult {
  stdout: string;
  stderr: string;
  status: ExitStatus;
}

/** Runs the container to completion (create, start, wait, delete) and returns what it printed. */
export async function runProbe(rt: Runtime, id: string, spec: Spec): Promise<ProbeResult> {
  const c = await rt.create(id, { bundle: makeBundle(spec, id), stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const out = collect(c.stdout);
    const err = collect(c.stderr);
    await rt.start(id);
    const status = await c.exited!;
    return { stdout: await out, stderr: await err, status };
  } finally {
    await rt.delete(id, { force: true });
  }
}

/** "Key: value" lines (like /proc/self/status) as a map. */
export function fields(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_ ]+):\s*(.*)$/.exec(line);
    if (m) map.set(m[1], m[2]);
  }
  return map;
}

/** Removes the tests' parent cgroup directories (/sys/fs/cgroup/<hierarchy>/berth-test) if empty. */
export function removeTestCgroupParents(): void {
  for (const dir of [
    'cpu',
    'cpuacct',
    'cpuset',
    'memory',
    'devices',
    'freezer',
    'blkio',
    'pids',
    'systemd',
    'unified',
    '',
  ]) {
    try {
      rmdirSync(join('/sys/fs/cgroup', dir, 'berth-test'));
    } catch {
      // in use by another run, or never made
    }
  }
}
