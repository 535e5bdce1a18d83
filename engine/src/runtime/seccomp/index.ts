// config.json's seccomp section to the BPF program berth-init installs: through libseccomp when
// it is installed (as runc and crun), otherwise with our own compiler (bpf.ts).
import { createHash } from 'node:crypto';
import type { LinuxSeccomp } from '../../oci/runtime-spec';
import { SECCOMP_FILTER_FLAG } from '../linux/constants';
import { compileWithLibseccomp, libseccomp } from '../linux/libseccomp';
import { compileFilter } from './bpf';

export {
  dockerDefaultProfile,
  dockerDefaultSeccomp,
  expandSeccompProfile,
  type SeccompProfile,
} from './profile';

export interface SeccompFilter {
  /** struct sock_filter[], ready for seccomp(SECCOMP_SET_MODE_FILTER). */
  filter: Buffer;
  /** SECCOMP_FILTER_FLAG_* bits from config.json's flags. */
  flags: number;
  /** Syscall names the compiler did not know; they fall to the default action. */
  unknown: string[];
  compiler: 'libseccomp' | 'berth';
}

const flagBits: Record<string, number> = {
  SECCOMP_FILTER_FLAG_TSYNC: SECCOMP_FILTER_FLAG.TSYNC,
  SECCOMP_FILTER_FLAG_LOG: SECCOMP_FILTER_FLAG.LOG,
  SECCOMP_FILTER_FLAG_SPEC_ALLOW: SECCOMP_FILTER_FLAG.SPEC_ALLOW,
  SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV: SECCOMP_FILTER_FLAG.WAIT_KILLABLE_RECV,
};

export const supportedSeccompFlags = Object.keys(flagBits);

// The daemon runs many containers with the same profile: compile each profile once.
const cache = new Map<string, SeccompFilter>();
const cacheLimit = 16;

export function compileSeccomp(seccomp: LinuxSeccomp, compiler: 'auto' | 'berth' = 'auto'): SeccompFilter {
  if (seccomp.listenerPath) {
    throw new Error(
      'seccomp: listenerPath (seccomp user notification) is not supported by berth-runtime yet',
    );
  }
  const key = createHash('sha256').update(compiler).update(JSON.stringify(seccomp)).digest('hex');
  const hit = cache.get(key);
  if (hit) return hit;

  let flags = 0;
  for (const name of seccomp.flags ?? []) {
    const bit = flagBits[name];
    if (bit === undefined)
      throw new Error(`seccomp: unknown flag "${name}" (use ${supportedSeccompFlags.join(', ')})`);
    flags |= bit;
  }
  const lib = compiler === 'auto' ? libseccomp() : null;
  const compiled = lib
    ? { ...compileWithLibseccomp(lib, seccomp), compiler: 'libseccomp' as const }
    : { ...compileFilter(seccomp), compiler: 'berth' as const };
  const result: SeccompFilter = {
    filter: compiled.program,
    flags,
    unknown: compiled.unknown,
    compiler: compiled.compiler,
  };
  if (cache.size >= cacheLimit) cache.delete(cache.keys().next().value!);
  cache.set(key, result);
  return result;
}
