// Container records on disk and in memory, with Docker's lookup rules: a full id, a name (with
// or without its leading slash), or a unique id prefix.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isAtomicTempName, readJson, writeJsonAtomic } from '../atomic-file';
import { conflict, invalid, notFound } from '../errors';
import type { Logger } from '../logger';
import type { ContainerPaths, ContainerRecord } from './record';

export class ContainerStore {
  readonly dir: string;
  private readonly byId = new Map<string, ContainerRecord>();
  private readonly byName = new Map<string, string>();

  constructor(
    dataRoot: string,
    private readonly logger: Logger,
  ) {
    this.dir = join(dataRoot, 'containers');
    mkdirSync(this.dir, { recursive: true, mode: 0o701 });
  }

  /** Loads every record; a directory without a record is a create a crash cut short. */
  load(): ContainerRecord[] {
    for (const id of readdirSync(this.dir)) {
      const dir = join(this.dir, id);
      for (const f of readdirSync(dir)) if (isAtomicTempName(f)) rmSync(join(dir, f), { force: true });
      let rec: ContainerRecord | undefined;
      try {
        rec = readJson<ContainerRecord>(join(dir, 'container.json'));
      } catch (err) {
        this.logger.error('container record unreadable; skipping it', { id, error: (err as Error).message });
        continue;
      }
      if (!rec) {
        this.logger.warn('removing an unfinished container directory', { id });
        rmSync(dir, { recursive: true, force: true });
        continue;
      }
      this.byId.set(rec.Id, rec);
      this.byName.set(rec.Name, rec.Id);
    }
    return [...this.byId.values()];
  }

  paths(id: string): ContainerPaths {
    const dir = join(this.dir, id);
    return {
      dir,
      logPath: join(dir, `${id}-json.log`),
      hostsPath: join(dir, 'hosts'),
      resolvConfPath: join(dir, 'resolv.conf'),
      hostnamePath: join(dir, 'hostname'),
    };
  }

  all(): ContainerRecord[] {
    return [...this.byId.values()];
  }

  nameTaken(name: string): boolean {
    return this.byName.has(name);
  }

  /** Reserves a name for a container being created (unique, as Docker's name registrar). */
  reserve(name: string, id: string): void {
    const owner = this.byName.get(name);
    if (owner && owner !== id) {
      throw conflict(
        `Conflict. The container name "/${name}" is already in use by container "${owner}". You have to remove (or rename) that container to be able to reuse that name.`,
      );
    }
    this.byName.set(name, id);
  }

  release(name: string, id: string): void {
    if (this.byName.get(name) === id) this.byName.delete(name);
  }

  /**
   * Writes the record atomically and indexes it. A new record is made durable; status changes are
   * not fsynced (a restarted berthd reads the truth from the runtime anyway).
   */
  save(rec: ContainerRecord, durable = false): void {
    const dir = join(this.dir, rec.Id);
    const isNew = !this.byId.has(rec.Id);
    if (isNew) mkdirSync(dir, { recursive: true, mode: 0o710 });
    writeJsonAtomic(join(dir, 'container.json'), rec, 0o600, durable || isNew);
    this.byId.set(rec.Id, rec);
  }

  /**
   * Forgets the container: its record goes at once (a crash after this leaves a directory the next
   * start cleans up), its directory is removed by the returned function, off the hot path.
   */
  delete(rec: ContainerRecord): () => void {
    rmSync(join(this.dir, rec.Id, 'container.json'), { force: true });
    this.byId.delete(rec.Id);
    this.release(rec.Name, rec.Id);
    return () => rmSync(join(this.dir, rec.Id), { recursive: true, force: true });
  }

  find(idOrName: string): ContainerRecord | undefined {
    const key = idOrName.startsWith('/') ? idOrName.slice(1) : idOrName;
    const byId = this.byId.get(key);
    if (byId) return byId;
    const named = this.byName.get(key);
    if (named) return this.byId.get(named);
    if (!/^[a-f0-9]+$/.test(key)) return undefined;
    const matches = [...this.byId.keys()].filter((id) => id.startsWith(key));
    if (matches.length > 1)
      throw invalid(`multiple containers found with provided prefix: ${key}; give more of the id`);
    return matches.length ? this.byId.get(matches[0]) : undefined;
  }

  get(idOrName: string): ContainerRecord {
    const rec = this.find(idOrName);
    if (!rec) throw notFound(`No such container: ${idOrName}`);
    return rec;
  }

  rename(rec: ContainerRecord, newName: string): void {
    this.reserve(newName, rec.Id);
    const old = rec.Name;
    rec.Name = newName;
    this.save(rec);
    this.release(old, rec.Id);
  }
}
