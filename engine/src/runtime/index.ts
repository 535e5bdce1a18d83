// berth-runtime as a library. The daemon and the builder call this in-process:
//
//   const runtime = new Runtime({ root: '/run/berth/runtime' });
//   const c = await runtime.create('web', { bundle, stdio: ['ignore', 'pipe', 'pipe'] });
//   await runtime.start('web');
//   c.stdout!.pipe(log);
//   const { exitCode, oomKilled } = await c.exited!;
//   await runtime.delete('web');
//
// Lifecycle and states follow the OCI runtime spec (creating → created → running → stopped);
// operations not allowed in the current state throw LifecycleError (its `status` says why).
// See docs/runtime.md for the process model and what config.json supports.
export { Runtime, LifecycleError, defaultRuntimeRoot } from './runtime';
export type { RuntimeOptions, ExitStatus, ProcessHandle, ContainerHandle, RuntimeEvents } from './runtime';
export type { CreateOptions } from './create';
export type { ExecOptions } from './exec';
export type { StdioSpec } from './io';
export type { RuntimeLog } from './context';
export { NotFoundError } from './state';
export { SpecError, loadSpec, validateSpec } from './spec';
export { HookError } from './hooks';
export { InitError } from './linux/helper';
export { ErrnoError } from './linux/libc';
export {
  dockerDefaultProfile,
  dockerDefaultSeccomp,
  expandSeccompProfile,
  type SeccompProfile,
} from './seccomp';
export { dockerDefaultCapabilities } from '../oci/docker-defaults';
export { defaultSpec } from './default-spec';
export { features } from './features';
export { statsJson, type CgroupStats } from './cgroups/stats';
