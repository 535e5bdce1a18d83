// Device access (the devices controller on v1): which device nodes the container may open or create.
// On v2 the same rules become an eBPF program (devices-bpf.ts).
import type { LinuxDevice, LinuxDeviceCgroup } from '../../oci/runtime-spec';
import { writeCgroupFile } from './files';

/** "c 1:3 rwm": the format of devices.allow/devices.deny. */
export function deviceRuleText(rule: LinuxDeviceCgroup): string {
  const major = rule.major === undefined || rule.major === null || rule.major < 0 ? '*' : rule.major;
  const minor = rule.minor === undefined || rule.minor === null || rule.minor < 0 ? '*' : rule.minor;
  const type = rule.type ?? 'a';
  return type === 'a' ? 'a' : `${type} ${major}:${minor} ${rule.access || 'rwm'}`;
}

/**
 * The rules the kernel enforces: config.json's own, then access to the devices the runtime
 * creates in /dev (the defaults, linux.devices, the pty devices), as runc does.
 */
export function effectiveDeviceRules(
  rules: LinuxDeviceCgroup[] | undefined,
  created: LinuxDevice[],
): LinuxDeviceCgroup[] {
  const allow = (type: 'c' | 'b', major: number, minor: number | null): LinuxDeviceCgroup => ({
    allow: true,
    type,
    major,
    minor,
    access: 'rwm',
  });
  return [
    ...(rules ?? []),
    ...created
      .filter((d) => d.type === 'c' || d.type === 'b' || d.type === 'u')
      .map((d) => allow(d.type === 'b' ? 'b' : 'c', d.major ?? 0, d.minor ?? 0)),
    allow('c', 136, null), // /dev/pts/*
    allow('c', 5, 2), // /dev/ptmx
    allow('c', 5, 1), // /dev/console
  ];
}

export function applyDevicesV1(dir: string, rules: LinuxDeviceCgroup[]): void {
  for (const rule of rules) {
    writeCgroupFile(dir, rule.allow ? 'devices.allow' : 'devices.deny', deviceRuleText(rule));
  }
}
