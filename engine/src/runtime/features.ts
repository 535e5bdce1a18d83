// `berth-runtime features` (runtime-spec features.md): what this runtime understands, so engines
// can check before they ask.
import type { Features } from '../oci/runtime-spec';
import { ociRuntimeVersion } from '../oci/runtime-spec';
import { capabilityNames } from './capabilities';
import { actions, operators } from './linux/libseccomp';
import { supportedMountOptions } from './mounts';
import { namespaceFlags } from './namespaces';
import { supportedSeccompFlags } from './seccomp';

export function features(): Features {
  return {
    ociVersionMin: '1.0.0',
    ociVersionMax: ociRuntimeVersion,
    hooks: ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop'],
    mountOptions: supportedMountOptions,
    linux: {
      namespaces: Object.keys(namespaceFlags),
      capabilities: [...capabilityNames],
      cgroup: { v1: true, v2: true, systemd: false, systemdUser: false, rdma: false },
      seccomp: {
        enabled: true,
        actions: Object.keys(actions),
        operators: Object.keys(operators),
        archs: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32', 'SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM'],
        knownFlags: supportedSeccompFlags,
        supportedFlags: supportedSeccompFlags,
      },
      apparmor: { enabled: false },
      selinux: { enabled: false },
      intelRdt: { enabled: false },
      mountExtensions: { idmap: { enabled: false } },
    },
    annotations: { 'org.opencontainers.runtime-spec.features': 'berth-runtime' },
  };
}
