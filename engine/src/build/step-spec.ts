// The OCI runtime spec of a RUN step's container: Docker's default isolation for build steps
// (the 14 default capabilities, masked and read-only /proc paths, a private /dev, read-only /sys,
// new mount/pid/ipc/uts namespaces, a new network namespace unless the step uses the host's),
// with the step's process and mounts. Pure, so it is unit-tested without root.
import {
  defaultMaskedPaths,
  defaultMounts,
  defaultReadonlyPaths,
  defaultShmSize,
  dockerDefaultCapabilities,
} from '../oci/docker-defaults';
import { type Mount, ociRuntimeVersion, type Spec } from '../oci/runtime-spec';
import type { StepMount, StepProcess } from './executor';

function specMount(m: StepMount): Mount {
  if (m.type === 'tmpfs') {
    const options = ['nosuid', 'nodev', 'mode=1777'];
    if (m.sizeBytes) options.push(`size=${m.sizeBytes}`);
    return { destination: m.destination, type: 'tmpfs', source: 'tmpfs', options };
  }
  return {
    destination: m.destination,
    type: 'bind',
    source: m.source,
    options: ['rbind', m.readOnly ? 'ro' : 'rw', 'rprivate'],
  };
}

export function stepSpec(step: StepProcess): Spec {
  const namespaces: NonNullable<Spec['linux']>['namespaces'] = [
    { type: 'mount' },
    { type: 'pid' },
    { type: 'ipc' },
    { type: 'uts' },
  ];
  if (step.network === 'none') namespaces.push({ type: 'network' });
  else if (typeof step.network === 'object') namespaces.push({ type: 'network', path: step.network.netns });
  return {
    ociVersion: ociRuntimeVersion,
    process: {
      terminal: false,
      user: {
        uid: step.user.uid,
        gid: step.user.gid,
        ...(step.user.additionalGids.length && { additionalGids: step.user.additionalGids }),
      },
      args: step.args,
      env: step.env,
      cwd: step.cwd,
      capabilities: {
        bounding: dockerDefaultCapabilities,
        effective: dockerDefaultCapabilities,
        permitted: dockerDefaultCapabilities,
      },
      noNewPrivileges: false,
    },
    root: { path: step.rootfs, readonly: false },
    hostname: step.hostname,
    // Docker's container mounts, not privileged: /sys and the step's own cgroup read-only, as
    // BuildKit's default spec has them (never the host's tree).
    mounts: [...defaultMounts(defaultShmSize, false), ...step.mounts.map(specMount)],
    linux: {
      namespaces,
      maskedPaths: defaultMaskedPaths,
      readonlyPaths: defaultReadonlyPaths,
      // Deny every device but the defaults the runtime adds (null, zero, random, tty…).
      resources: { devices: [{ allow: false, access: 'rwm' }] },
      cgroupsPath: `/berth-build/${step.id}`,
    },
  };
}
