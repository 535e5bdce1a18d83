// Linux capability names and the bit masks capset() and prctl() take.
import type { Capabilities } from '../oci/runtime-spec';

/** Capability names by number (include/uapi/linux/capability.h). */
export const capabilityNames = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_DAC_READ_SEARCH',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_LINUX_IMMUTABLE',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST',
  'CAP_NET_ADMIN',
  'CAP_NET_RAW',
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT',
  'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG',
  'CAP_MKNOD',
  'CAP_LEASE',
  'CAP_AUDIT_WRITE',
  'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE',
  'CAP_MAC_ADMIN',
  'CAP_SYSLOG',
  'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ',
  'CAP_PERFMON',
  'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
] as const;

export function capabilityNumber(name: string): number | undefined {
  const upper = name.toUpperCase();
  const index = (capabilityNames as readonly string[]).indexOf(
    upper.startsWith('CAP_') ? upper : `CAP_${upper}`,
  );
  return index < 0 ? undefined : index;
}

export interface CapabilitySets {
  bounding: bigint;
  effective: bigint;
  permitted: bigint;
  inheritable: bigint;
  ambient: bigint;
}

export interface ResolvedCapabilities {
  sets: CapabilitySets;
  /** Names the runtime cannot grant here (unknown to this kernel or missing from our own bounding set). */
  unavailable: string[];
}

/**
 * Turns the spec's five name lists into masks, keeping only what `available` (the runtime's own
 * bounding set, bounded by the kernel's last capability) allows. Unknown names are an error.
 */
export function resolveCapabilities(caps: Capabilities | undefined, available: bigint): ResolvedCapabilities {
  const unavailable = new Set<string>();
  const mask = (names: string[] | undefined): bigint => {
    let m = 0n;
    for (const name of names ?? []) {
      const n = capabilityNumber(name);
      if (n === undefined) {
        throw new Error(
          `unknown capability "${name}": use a name from capabilities(7), such as CAP_NET_ADMIN`,
        );
      }
      const bit = 1n << BigInt(n);
      if ((available & bit) === 0n) unavailable.add(name);
      else m |= bit;
    }
    return m;
  };
  const sets = {
    bounding: mask(caps?.bounding),
    effective: mask(caps?.effective),
    permitted: mask(caps?.permitted),
    inheritable: mask(caps?.inheritable),
    ambient: mask(caps?.ambient),
  };
  return { sets, unavailable: [...unavailable] };
}

/** Bit numbers set in a mask, lowest first. */
export function capabilityBits(mask: bigint): number[] {
  const bits: number[] = [];
  for (let i = 0; i < 64; i++) if (mask & (1n << BigInt(i))) bits.push(i);
  return bits;
}

/** The names in a mask, as /proc/<pid>/status's hex would decode. */
export function capabilityMaskNames(mask: bigint): string[] {
  return capabilityBits(mask).map((b) => capabilityNames[b] ?? `CAP_${b}`);
}
