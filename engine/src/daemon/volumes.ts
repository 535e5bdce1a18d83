// Volumes with the `local` driver: a directory under <data-root>/volumes/<name>/_data, or, with
// the options type/device/o, a filesystem mounted there while a container uses it (tmpfs, NFS,
// bind). Named and anonymous volumes, copy-up from the image, labels, prune.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Filters, Volume, VolumeCreateRequest, VolumeListResponse } from '../api/types';
import type { DaemonCalls } from '../runtime/linux/daemon-calls';
import { MNT_DETACH, MS_BIND } from '../runtime/linux/daemon-calls';
import { readJson, writeJsonAtomic } from './atomic-file';
import { conflict, invalid, notFound } from './errors';
import type { EventBus } from './events';
import { copyTree, isEmptyDir, treeSize } from './fs/copy-tree';
import type { Logger } from './logger';

/** Docker marks anonymous volumes with this label (prune removes only those by default). */
export const anonymousLabel = 'com.docker.volume.anonymous';
const namePattern = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

interface VolumeMeta {
  Name: string;
  CreatedAt: string;
  Labels: Record<string, string>;
  Options: Record<string, string>;
}

export class VolumeService {
  private readonly dir: string;
  private readonly metas = new Map<string, VolumeMeta>();
  /** Mounted option volumes and how many containers use them now. */
  private readonly active = new Map<string, number>();

  constructor(
    dataRoot: string,
    private readonly calls: DaemonCalls,
    private readonly events: EventBus,
    private readonly logger: Logger,
    /** Ids of containers whose mounts use the volume. */
    private readonly usedBy: (name: string) => string[],
  ) {
    this.dir = join(dataRoot, 'volumes');
    mkdirSync(this.dir, { recursive: true, mode: 0o701 });
    for (const name of readdirSync(this.dir)) {
      const meta = readJson<VolumeMeta>(join(this.dir, name, 'volume.json'));
      // A directory without metadata is a create a crash interrupted: finish removing it.
      if (meta) this.metas.set(name, meta);
      else rmSync(join(this.dir, name), { recursive: true, force: true });
    }
  }

  dataPath(name: string): string {
    return join(this.dir, name, '_data');
  }

  has(name: string): boolean {
    return this.metas.has(name);
  }

  private view(meta: VolumeMeta, withUsage = false): Volume {
    return {
      Name: meta.Name,
      Driver: 'local',
      Mountpoint: this.dataPath(meta.Name),
      CreatedAt: meta.CreatedAt,
      Labels: meta.Labels,
      Scope: 'local',
      Options: meta.Options,
      ...(withUsage
        ? { UsageData: { Size: treeSize(this.dataPath(meta.Name)), RefCount: this.usedBy(meta.Name).length } }
        : {}),
    };
  }

  private get(name: string): VolumeMeta {
    const meta = this.metas.get(name);
    if (!meta) throw notFound(`get ${name}: no such volume`);
    return meta;
  }

  /** Creates a volume; creating an existing one returns it (Docker's behaviour) unless options differ. */
  create(request: VolumeCreateRequest): Volume {
    const driver = request.Driver || 'local';
    if (driver !== 'local') {
      throw invalid(
        `volume driver "${driver}" is not available: Berth has the local driver (use -o type=… for tmpfs, NFS or bind)`,
      );
    }
    const anonymous = !request.Name;
    const name = request.Name || randomBytes(32).toString('hex');
    if (!namePattern.test(name)) {
      throw invalid(
        `create ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed`,
      );
    }
    const options = request.DriverOpts ?? {};
    checkOptions(name, options);
    const existing = this.metas.get(name);
    if (existing) {
      if (Object.keys(options).length && JSON.stringify(options) !== JSON.stringify(existing.Options)) {
        throw conflict(
          `create ${name}: a volume with this name exists with different options; remove it first`,
        );
      }
      return this.view(existing);
    }
    const meta: VolumeMeta = {
      Name: name,
      CreatedAt: new Date().toISOString(),
      Labels: { ...(request.Labels ?? {}), ...(anonymous ? { [anonymousLabel]: '' } : {}) },
      Options: options,
    };
    mkdirSync(this.dataPath(name), { recursive: true, mode: 0o755 });
    writeJsonAtomic(join(this.dir, name, 'volume.json'), meta);
    this.metas.set(name, meta);
    this.events.publish('volume', 'create', name, { driver: 'local' });
    return this.view(meta);
  }

  inspect(name: string): Volume {
    return this.view(this.get(name));
  }

  list(filters: Filters): VolumeListResponse {
    const dangling = filters.dangling?.[0];
    const volumes = [...this.metas.values()]
      .filter((m) => !filters.name?.length || filters.name.some((n) => m.Name.includes(n)))
      .filter(() => !filters.driver?.length || filters.driver.includes('local'))
      .filter((m) => matchLabels(m.Labels, filters.label ?? []))
      .filter((m) => {
        if (dangling === undefined) return true;
        const unused = this.usedBy(m.Name).length === 0;
        return ['true', '1'].includes(dangling) ? unused : !unused;
      })
      .map((m) => this.view(m));
    return { Volumes: volumes, Warnings: [] };
  }

  remove(name: string, force: boolean): void {
    const meta = this.metas.get(name);
    if (!meta) {
      if (force) return;
      throw notFound(`get ${name}: no such volume`);
    }
    const users = this.usedBy(name);
    if (users.length) {
      throw conflict(
        `remove ${name}: volume is in use - [${users.join(', ')}]: remove the container(s) first`,
      );
    }
    this.unmountIfActive(name);
    // Metadata first: a crash after this leaves a directory the next start removes.
    rmSync(join(this.dir, name, 'volume.json'), { force: true });
    rmSync(join(this.dir, name), { recursive: true, force: true });
    this.metas.delete(name);
    this.events.publish('volume', 'destroy', name, { driver: 'local' });
  }

  prune(filters: Filters): { VolumesDeleted: string[]; SpaceReclaimed: number } {
    const all = ['true', '1'].includes(filters.all?.[0] ?? '');
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const meta of [...this.metas.values()]) {
      if (!all && !(anonymousLabel in meta.Labels)) continue;
      if (!matchLabels(meta.Labels, filters.label ?? [])) continue;
      if ((filters['label!'] ?? []).length && matchLabels(meta.Labels, filters['label!']!, true)) continue;
      if (this.usedBy(meta.Name).length) continue;
      const size = treeSize(this.dataPath(meta.Name));
      this.remove(meta.Name, false);
      deleted.push(meta.Name);
      reclaimed += size;
    }
    return { VolumesDeleted: deleted, SpaceReclaimed: reclaimed };
  }

  /**
   * Makes the volume ready for a container starting with it: mounts an option volume on first use,
   * and copies the image's content at the mount point into it when the volume is still empty.
   */
  acquire(name: string, imageContent: string | undefined, noCopy: boolean): string {
    const meta = this.get(name);
    const data = this.dataPath(name);
    if (meta.Options.type) {
      const users = this.active.get(name) ?? 0;
      if (users === 0) {
        const opts = (meta.Options.o ?? '').split(',').filter(Boolean);
        const bind = opts.includes('bind');
        const mountData = opts.filter((o) => o !== 'bind').join(',') || null;
        this.calls.mount(
          meta.Options.device ?? meta.Options.type,
          data,
          bind ? null : meta.Options.type,
          bind ? MS_BIND : 0,
          mountData,
        );
      }
      this.active.set(name, users + 1);
    }
    if (!noCopy && imageContent && existsSync(imageContent) && isEmptyDir(data)) {
      try {
        for (const entry of readdirSync(imageContent)) copyTree(join(imageContent, entry), join(data, entry));
      } catch (err) {
        this.logger.warn('volume copy-up failed', { volume: name, error: (err as Error).message });
        throw err;
      }
    }
    this.events.publish('volume', 'mount', name, { driver: 'local' });
    return data;
  }

  /** A running container found at daemon start uses the volume (counts it for option volumes). */
  readopt(name: string): void {
    const meta = this.metas.get(name);
    if (meta?.Options.type) this.active.set(name, (this.active.get(name) ?? 0) + 1);
  }

  /** A container using the volume stopped. */
  release(name: string): void {
    if (!this.metas.has(name)) return;
    const users = this.active.get(name);
    if (users !== undefined) {
      if (users <= 1) this.unmountIfActive(name);
      else this.active.set(name, users - 1);
    }
    this.events.publish('volume', 'unmount', name, { driver: 'local' });
  }

  private unmountIfActive(name: string): void {
    if (!this.active.has(name)) return;
    this.active.delete(name);
    try {
      this.calls.umount2(this.dataPath(name), MNT_DETACH);
    } catch (err) {
      this.logger.warn('volume unmount failed', { volume: name, error: (err as Error).message });
    }
  }

  names(): string[] {
    return [...this.metas.keys()];
  }

  /** Volumes with sizes and reference counts (system df). */
  usage(): Volume[] {
    return [...this.metas.values()].map((m) => this.view(m, true));
  }
}

function checkOptions(name: string, options: Record<string, string>): void {
  for (const key of Object.keys(options)) {
    if (!['type', 'device', 'o', 'size'].includes(key)) {
      throw invalid(
        `create ${name}: invalid option key: "${key}" (the local driver takes type, device and o)`,
      );
    }
  }
  if ((options.device || options.o) && !options.type) {
    throw invalid(`create ${name}: missing required option: "type"`);
  }
}

/** `label=key` or `label=key=value` filters, all of which must hold (or, with `any`, one). */
export function matchLabels(labels: Record<string, string>, filters: string[], any = false): boolean {
  const test = (f: string): boolean => {
    const i = f.indexOf('=');
    if (i < 0) return f in labels;
    return labels[f.slice(0, i)] === f.slice(i + 1);
  };
  return any ? filters.some(test) : filters.every(test);
}
