// The container's mounts from its configuration: `Binds` strings, `Mounts` objects, the `Tmpfs`
// map and the image's VOLUMEs (anonymous volumes), checked and turned into one plan. Named and
// anonymous volumes are created and filled by the volume service; bind sources are host paths.
import { isAbsolute } from 'node:path';
import type { HostConfig, MountSpec } from '../../api/types';
import { invalid } from '../errors';
import { cleanContainerPath } from '../../fs/resolve-in-root';
import type { Mount } from '../../oci/runtime-spec';

const propagations = ['shared', 'slave', 'private', 'rshared', 'rslave', 'rprivate'];

export type PlannedMount =
  | {
      type: 'bind';
      source: string;
      destination: string;
      readOnly: boolean;
      propagation: string;
      /** `Binds` creates a missing source directory (legacy); `Mounts` refuses it. */
      createSource: boolean;
      nonRecursive: boolean;
    }
  | {
      type: 'volume';
      /** undefined: an anonymous volume, named when created. */
      name?: string;
      destination: string;
      readOnly: boolean;
      noCopy: boolean;
      subpath?: string;
      driverOptions?: Record<string, string>;
      labels?: Record<string, string>;
    }
  | { type: 'tmpfs'; destination: string; options: string[] };

function destinationOf(raw: string, what: string): string {
  if (!raw) throw invalid(`invalid mount config for ${what}: the mount destination is empty`);
  if (!isAbsolute(raw))
    throw invalid(`invalid mount config for ${what}: mount path must be absolute: ${raw}`);
  const dest = cleanContainerPath(raw);
  if (dest === '/') throw invalid(`invalid mount config for ${what}: destination can't be '/'`);
  return dest;
}

/** Docker's `-v` syntax: `src:dst[:opts]`, where src is a host path or a volume name. */
export function parseBind(spec: string): PlannedMount {
  const parts = spec.split(':');
  if (parts.length < 2 || parts.length > 3 || parts.some((p, i) => p === '' && i < 2)) {
    throw invalid(`invalid volume specification: '${spec}': use SOURCE:DESTINATION[:OPTIONS]`);
  }
  const [source, rawDest, opts = ''] = parts;
  const destination = destinationOf(rawDest, `volume specification '${spec}'`);
  let readOnly = false;
  let propagation = 'rprivate';
  let noCopy = false;
  for (const opt of opts.split(',').filter(Boolean)) {
    if (opt === 'ro') readOnly = true;
    else if (opt === 'rw') readOnly = false;
    else if (opt === 'nocopy') noCopy = true;
    else if (propagations.includes(opt)) propagation = opt;
    else if (opt === 'z' || opt === 'Z' || opt === 'consistent' || opt === 'cached' || opt === 'delegated')
      continue;
    else throw invalid(`invalid volume specification: '${spec}': unknown option '${opt}'`);
  }
  if (isAbsolute(source)) {
    if (noCopy)
      throw invalid(`invalid volume specification: '${spec}': nocopy applies to volumes, not host paths`);
    return {
      type: 'bind',
      source,
      destination,
      readOnly,
      propagation,
      createSource: true,
      nonRecursive: false,
    };
  }
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(source)) {
    throw invalid(
      `invalid volume specification: '${spec}': "${source}" is neither an absolute host path nor a valid volume name`,
    );
  }
  return { type: 'volume', name: source, destination, readOnly, noCopy };
}

export function parseMountSpec(m: MountSpec): PlannedMount {
  const what = `type "${m.Type}"`;
  const destination = destinationOf(m.Target, what);
  switch (m.Type) {
    case 'bind': {
      if (!m.Source || !isAbsolute(m.Source)) {
        throw invalid(`invalid mount config for ${what}: the bind source must be an absolute host path`);
      }
      const propagation = m.BindOptions?.Propagation || 'rprivate';
      if (!propagations.includes(propagation))
        throw invalid(`invalid mount config for ${what}: bad propagation ${propagation}`);
      return {
        type: 'bind',
        source: m.Source,
        destination,
        readOnly: !!m.ReadOnly,
        propagation,
        createSource: !!m.BindOptions?.CreateMountpoint,
        nonRecursive: !!m.BindOptions?.NonRecursive,
      };
    }
    case 'volume': {
      if (m.Source && !/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(m.Source)) {
        throw invalid(`invalid mount config for ${what}: invalid volume name "${m.Source}"`);
      }
      if (
        m.VolumeOptions?.Subpath &&
        (isAbsolute(m.VolumeOptions.Subpath) || m.VolumeOptions.Subpath.split('/').includes('..'))
      ) {
        throw invalid(
          `invalid mount config for ${what}: subpath must be relative and stay inside the volume`,
        );
      }
      return {
        type: 'volume',
        name: m.Source || undefined,
        destination,
        readOnly: !!m.ReadOnly,
        noCopy: !!m.VolumeOptions?.NoCopy,
        subpath: m.VolumeOptions?.Subpath || undefined,
        driverOptions: m.VolumeOptions?.DriverConfig?.Options,
        labels: m.VolumeOptions?.Labels,
      };
    }
    case 'tmpfs': {
      if (m.Source) throw invalid(`invalid mount config for ${what}: tmpfs takes no source`);
      const options: string[] = [];
      if (m.TmpfsOptions?.SizeBytes) options.push(`size=${m.TmpfsOptions.SizeBytes}`);
      if (m.TmpfsOptions?.Mode) options.push(`mode=${m.TmpfsOptions.Mode.toString(8)}`);
      if (m.ReadOnly) options.push('ro');
      return { type: 'tmpfs', destination, options };
    }
    default:
      throw invalid(
        `invalid mount config: mount type "${String(m.Type)}" is not supported (use bind, volume or tmpfs)`,
      );
  }
}

/** `--tmpfs /run:rw,size=64m` options, checked. */
export function parseTmpfsOptions(dest: string, options: string): PlannedMount {
  const opts = options.split(',').filter(Boolean);
  for (const o of opts) {
    if (
      !/^(rw|ro|exec|noexec|suid|nosuid|dev|nodev|sync|async|atime|noatime|diratime|nodiratime|relatime|strictatime|size=\d+[kmgKMG%]?|mode=[0-7]{3,4}|uid=\d+|gid=\d+|nr_inodes=\d+[kmg]?|tmpcopyup|notmpcopyup)$/.test(
        o,
      )
    ) {
      throw invalid(`invalid tmpfs option "${o}" for ${dest}`);
    }
  }
  return { type: 'tmpfs', destination: destinationOf(dest, 'tmpfs'), options: opts };
}

/**
 * The whole plan: user mounts first (Binds, Mounts, Tmpfs), then an anonymous volume for each image
 * VOLUME nobody else covers. Two mounts on one destination are refused, as Docker does.
 */
export function planMounts(host: HostConfig, imageVolumes: string[]): PlannedMount[] {
  const plan: PlannedMount[] = [];
  const seen = new Set<string>();
  const add = (m: PlannedMount): void => {
    if (seen.has(m.destination)) throw invalid(`Duplicate mount point: ${m.destination}`);
    seen.add(m.destination);
    plan.push(m);
  };
  for (const bind of host.Binds ?? []) add(parseBind(bind));
  for (const m of host.Mounts ?? []) add(parseMountSpec(m));
  for (const [dest, opts] of Object.entries(host.Tmpfs ?? {})) add(parseTmpfsOptions(dest, opts));
  for (const raw of imageVolumes) {
    const dest = destinationOf(raw, `VOLUME ${raw}`);
    if (!seen.has(dest)) add({ type: 'volume', destination: dest, readOnly: false, noCopy: false });
  }
  return plan;
}

/** A planned mount with its host source resolved (volume paths known). */
export interface ResolvedMount {
  destination: string;
  type: 'bind' | 'tmpfs';
  source: string;
  options: string[];
}

export function ociMount(m: ResolvedMount): Mount {
  return { destination: m.destination, type: m.type, source: m.source, options: m.options };
}

export function bindOptions(readOnly: boolean, propagation: string, nonRecursive = false): string[] {
  return [nonRecursive ? 'bind' : 'rbind', readOnly ? 'ro' : 'rw', propagation];
}

/** Docker's tmpfs defaults under user options (later options win in mount(8) style). */
export function tmpfsOptions(user: string[]): string[] {
  return ['nosuid', 'nodev', 'noexec', ...user];
}

/** Parents before children, so a mount inside another mount lands on top of it. */
export function sortMounts<M extends { destination: string }>(mounts: M[]): M[] {
  const depth = (p: string): number => p.split('/').filter(Boolean).length;
  return [...mounts].sort((a, b) => depth(a.destination) - depth(b.destination));
}
