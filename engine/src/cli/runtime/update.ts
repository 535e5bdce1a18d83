// `berth-runtime update`: runc's flags for changing a running container's limits, or a whole
// LinuxResources object as JSON (`--resources file`, `-` for stdin: what containerd and podman
// pass). Flags win over the JSON, as in runc.
import type { LinuxResources } from '../../oci/runtime-spec';
import type { FlagSpec, Parsed } from './args';
import { flag, UsageError } from './args';

export const updateFlags: FlagSpec[] = [
  { name: 'resources', aliases: ['r'], value: true },
  { name: 'blkio-weight', value: true },
  { name: 'cpu-period', value: true },
  { name: 'cpu-quota', value: true },
  { name: 'cpu-share', value: true },
  { name: 'cpu-rt-period', value: true },
  { name: 'cpu-rt-runtime', value: true },
  { name: 'cpu-idle', value: true },
  { name: 'cpuset-cpus', value: true },
  { name: 'cpuset-mems', value: true },
  { name: 'memory', value: true },
  { name: 'memory-reservation', value: true },
  { name: 'memory-swap', value: true },
  { name: 'pids-limit', value: true },
  { name: 'l3-cache-schema', value: true },
  { name: 'mem-bw-schema', value: true },
];

const units: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40, p: 2 ** 50 };

/** A size as runc takes it: bytes, or with a binary unit ("512m", "1.5GiB"); -1 is unlimited. */
export function parseBytes(text: string, what: string): number {
  if (text.trim() === '-1') return -1;
  const m = /^(\d+(?:\.\d+)?)\s*([kmgtp]?)(?:i?b)?$/i.exec(text.trim());
  if (!m)
    throw new UsageError(`update: --${what} "${text}" is not a size (bytes, or a number with k, m, g, t)`);
  return Math.round(Number(m[1]) * units[m[2].toLowerCase()]);
}

function parseInteger(text: string, what: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n))
    throw new UsageError(`update: --${what} "${text}" is not an integer`);
  return n;
}

/** The resources to apply: the --resources JSON (read through `read`), then the flags over it. */
export function updateResources(p: Parsed, read: (file: string) => string): LinuxResources {
  let resources: LinuxResources = {};
  const file = flag(p, 'resources');
  if (file) {
    const text = read(file);
    try {
      resources = JSON.parse(text) as LinuxResources;
    } catch (err) {
      throw new UsageError(`update: --resources ${file} is not JSON: ${(err as Error).message}`);
    }
    if (typeof resources !== 'object' || resources === null || Array.isArray(resources))
      throw new UsageError(`update: --resources ${file} must hold a linux.resources object`);
  }
  for (const name of ['l3-cache-schema', 'mem-bw-schema'])
    if (flag(p, name))
      throw new UsageError(`update: --${name} (Intel RDT) is not supported by berth-runtime`);

  const int = (name: string, set: (n: number) => void) => {
    const v = flag(p, name);
    if (v !== undefined) set(parseInteger(v, name));
  };
  const bytes = (name: string, set: (n: number) => void) => {
    const v = flag(p, name);
    if (v !== undefined) set(parseBytes(v, name));
  };
  const memory = () => (resources.memory ??= {});
  const cpu = () => (resources.cpu ??= {});
  bytes('memory', (n) => (memory().limit = n));
  bytes('memory-reservation', (n) => (memory().reservation = n));
  bytes('memory-swap', (n) => (memory().swap = n));
  int('cpu-share', (n) => (cpu().shares = n));
  int('cpu-quota', (n) => (cpu().quota = n));
  int('cpu-period', (n) => (cpu().period = n));
  int('cpu-rt-period', (n) => (cpu().realtimePeriod = n));
  int('cpu-rt-runtime', (n) => (cpu().realtimeRuntime = n));
  int('cpu-idle', (n) => (cpu().idle = n));
  if (flag(p, 'cpuset-cpus') !== undefined) cpu().cpus = flag(p, 'cpuset-cpus');
  if (flag(p, 'cpuset-mems') !== undefined) cpu().mems = flag(p, 'cpuset-mems');
  int('pids-limit', (n) => (resources.pids = { limit: n }));
  int('blkio-weight', (n) => (resources.blockIO = { ...resources.blockIO, weight: n }));
  // Engines send the container's whole resources, device rules included (podman): as runc, an
  // update leaves the device rules as they are.
  delete resources.devices;
  return resources;
}
