// Reading a bundle's config.json and checking it before anything touches the kernel, so a bad
// spec fails with a message that names the field, and nothing is left half-made.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Hooks, Spec } from '../oci/runtime-spec';
import type { HookPhase } from './hooks';
import { checkHook } from './hooks';

export class SpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpecError';
  }
}

export function loadSpec(bundle: string): Spec {
  const path = join(bundle, 'config.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new SpecError(
      code === 'ENOENT'
        ? `${path} does not exist: pass the bundle directory with --bundle (run \`berth-runtime spec\` there to write one)`
        : `cannot read ${path}: ${code}`,
    );
  }
  let spec: unknown;
  try {
    spec = JSON.parse(text);
  } catch (err) {
    throw new SpecError(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  validateSpec(spec);
  return spec;
}

const hookPhases: HookPhase[] = [
  'prestart',
  'createRuntime',
  'createContainer',
  'startContainer',
  'poststart',
  'poststop',
];

export function validateSpec(spec: unknown): asserts spec is Spec {
  const fail = (msg: string): never => {
    throw new SpecError(`config.json: ${msg}`);
  };
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) fail('must be a JSON object');
  const s = spec as Spec;
  if (typeof s.ociVersion !== 'string' || !/^1\.\d+\.\d+/.test(s.ociVersion)) {
    fail(`ociVersion "${String(s.ociVersion)}" is not a 1.x runtime-spec version`);
  }
  if (!s.root?.path) fail('root.path is missing: set it to the root filesystem directory');
  if (!s.process) fail('process is missing: berth-runtime needs the program to run');
  const p = s.process!;
  if (!Array.isArray(p.args) || p.args.length === 0 || p.args.some((a) => typeof a !== 'string')) {
    fail('process.args must be a non-empty list of strings');
  }
  if (typeof p.cwd !== 'string' || !p.cwd.startsWith('/'))
    fail(`process.cwd "${String(p.cwd)}" must be an absolute path`);
  if (!p.user || !Number.isInteger(p.user.uid) || !Number.isInteger(p.user.gid))
    fail('process.user needs integer uid and gid');
  if (p.env && (!Array.isArray(p.env) || p.env.some((e) => typeof e !== 'string')))
    fail('process.env must be a list of "NAME=value" strings');
  for (const m of s.mounts ?? []) {
    if (typeof m.destination !== 'string' || m.destination === '')
      fail('every mounts[] entry needs a destination');
  }
  if (!s.linux) fail('linux is missing: berth-runtime runs Linux containers only');
  const hooks: Hooks = s.hooks ?? {};
  for (const phase of hookPhases) {
    for (const hook of hooks[phase] ?? []) {
      try {
        checkHook(phase, hook);
      } catch (err) {
        fail((err as Error).message);
      }
    }
  }
}

/**
 * Fields berth-runtime does not apply yet. Those that change what the container may do or get
 * are refused (applying less than asked would be silent); LSM labels only warn, since engines
 * set them whenever the host has the LSM and the container still runs as the engine intends.
 */
export function checkSupported(spec: Spec, warn: (message: string) => void): void {
  const refuse = (what: string) => {
    throw new SpecError(
      `config.json: ${what} is not supported by berth-runtime yet: remove it, or use runc for this container`,
    );
  };
  const p = spec.process;
  const l = spec.linux;
  if (l?.intelRdt) refuse('linux.intelRdt');
  if (l?.netDevices && Object.keys(l.netDevices).length) refuse('linux.netDevices');
  if (l?.memoryPolicy) refuse('linux.memoryPolicy');
  if (l?.resources?.rdma && Object.keys(l.resources.rdma).length) refuse('linux.resources.rdma');
  if (l?.seccomp?.listenerPath || l?.seccomp?.defaultAction === 'SCMP_ACT_NOTIFY')
    refuse('seccomp user notification (listenerPath, SCMP_ACT_NOTIFY)');
  for (const m of spec.mounts ?? []) {
    if (m.uidMappings?.length || m.gidMappings?.length) refuse(`mounts: id-mapped mount at ${m.destination}`);
  }
  if (p?.apparmorProfile)
    warn(
      `process.apparmorProfile "${p.apparmorProfile}" is not applied: berth-runtime has no AppArmor support yet`,
    );
  if (p?.selinuxLabel) warn(`process.selinuxLabel is not applied: berth-runtime has no SELinux support yet`);
  if (l?.mountLabel) warn(`linux.mountLabel is not applied: berth-runtime has no SELinux support yet`);
}
