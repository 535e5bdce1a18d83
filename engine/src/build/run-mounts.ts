// RUN --mount: what each mount type becomes for the step's container, and what it contributes to
// the step's cache key.
//   cache   a directory under <root>/build/mounts/ kept between builds (id defaults to the target);
//           sharing=locked serialises its users, private gives a busy one's other users a fresh dir
//   bind    a read-only view of the context (what .dockerignore lets through), a stage or an
//           image; `rw` allows writes that are thrown away afterwards
//   tmpfs   a tmpfs
//   secret  a --secret's value as a read-only file (default /run/secrets/<id>) or an environment
//           variable (`env=`); never part of the cache key, the layer or the image
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import type { Mount } from '../dockerfile';
import type { Store } from '../store/store';
import type { BuildContext } from './context/context';
import type { StepMount } from './executor';
import type { SecretSource } from './options';
import type { MountCalls } from '../runtime/linux/mount';
import { resolveInRoot } from '../fs/resolve-in-root';

/** A bind source prepared on the host: a path and how to release it after the step. */
export interface PreparedSource {
  path: string;
  release(): void;
}

export interface MountServices {
  store: Store;
  mounts: MountCalls;
  context: BuildContext;
  secrets: ReadonlyMap<string, SecretSource>;
  /** A read-only view of a stage's or image's file system (`from=`), mounted on the host. */
  sourceTree(from: string): Promise<PreparedSource>;
  /** The cache-key part of `from=` (the source stage's key or the image ID). */
  sourceKey(from: string): Promise<string>;
}

export interface PreparedMounts {
  mounts: StepMount[];
  /** Environment variables secrets asked for with `env=`. */
  env: string[];
  release(): void;
}

const lockedCaches = new Map<string, Promise<void>>();
const busyCaches = new Set<string>();

export function secretTarget(m: Mount): string {
  const id = secretId(m);
  return m.target || `/run/secrets/${id}`;
}

export function secretId(m: Mount): string {
  return m.cacheId || (m.target ? posix.basename(m.target) : '');
}

/** What the mounts contribute to the step's cache key. */
export async function mountsKey(
  mounts: readonly Mount[],
  services: MountServices,
  workdir: string,
): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const m of mounts) {
    switch (m.type) {
      case 'bind': {
        const source = m.from
          ? await services.sourceKey(m.from)
          : services.context.digest(contextEntry(services.context, m.source));
        out.push({
          type: 'bind',
          target: absolute(workdir, m.target),
          source: m.source,
          from: source,
          readOnly: m.readOnly,
        });
        break;
      }
      case 'cache':
        out.push({
          type: 'cache',
          target: absolute(workdir, m.target),
          id: m.cacheId || absolute(workdir, m.target),
          sharing: m.cacheSharing || 'shared',
          readOnly: m.readOnly,
          mode: m.mode,
          uid: m.uid,
          gid: m.gid,
        });
        break;
      case 'tmpfs':
        out.push({ type: 'tmpfs', target: absolute(workdir, m.target), size: m.sizeLimit });
        break;
      case 'secret':
        // The id and where it appears, never the value.
        out.push({
          type: 'secret',
          id: secretId(m),
          target: m.env ? undefined : secretTarget(m),
          env: m.env,
        });
        break;
      case 'ssh':
        throw new Error(
          'RUN --mount=type=ssh is not supported by Berth yet: pass what the step needs as a secret',
        );
    }
  }
  return out;
}

function absolute(workdir: string, target: string): string {
  return posix.resolve(workdir, target);
}

function contextEntry(context: BuildContext, source: string) {
  const [entry] = context.resolve(source || '/');
  return entry;
}

/** Prepares every mount of a RUN step on the host; release() undoes it after the step. */
export async function prepareMounts(
  mounts: readonly Mount[],
  services: MountServices,
  workdir: string,
): Promise<PreparedMounts> {
  const out: StepMount[] = [];
  const env: string[] = [];
  const releases: (() => void)[] = [];
  const release = () => {
    for (const r of releases.reverse()) {
      try {
        r();
      } catch {
        // Keep releasing the rest.
      }
    }
  };
  try {
    for (const m of mounts) {
      const target = absolute(workdir, m.target);
      switch (m.type) {
        case 'bind': {
          let path: string;
          if (m.from) {
            const tree = await services.sourceTree(m.from);
            releases.push(() => tree.release());
            path = resolveInRoot(tree.path, m.source || '/');
          } else {
            const view = contextSource(services.context, m.source);
            releases.push(() => view.release());
            path = view.path;
          }
          if (!fs.existsSync(path)) {
            throw new Error(
              `failed to mount ${target}: ${m.source || '/'} not found in ${m.from || 'the build context'}`,
            );
          }
          if (!m.readOnly) {
            // Writes are allowed but thrown away: an overlay with a temporary upper dir.
            const scratch = fs.mkdtempSync(join(tmpdir(), 'berth-bind-rw-'));
            for (const sub of ['upper', 'work', 'merged']) fs.mkdirSync(join(scratch, sub));
            services.mounts.mountOverlay(join(scratch, 'merged'), {
              lower: [path],
              upper: join(scratch, 'upper'),
              work: join(scratch, 'work'),
            });
            releases.push(() => {
              services.mounts.unmount(join(scratch, 'merged'));
              fs.rmSync(scratch, { recursive: true, force: true });
            });
            path = join(scratch, 'merged');
          }
          out.push({ type: 'bind', source: path, destination: target, readOnly: m.readOnly });
          break;
        }
        case 'cache': {
          const dir = await cacheDir(services.store, m, target, releases);
          out.push({ type: 'bind', source: dir, destination: target, readOnly: m.readOnly });
          break;
        }
        case 'tmpfs':
          out.push({ type: 'tmpfs', destination: target, ...(m.sizeLimit && { sizeBytes: m.sizeLimit }) });
          break;
        case 'secret': {
          const id = secretId(m);
          const value = readSecret(services.secrets.get(id), id, m.required);
          if (value === undefined) break;
          if (m.env) {
            env.push(`${m.env}=${value.toString('utf8')}`);
            if (!m.target) break;
          }
          const file = writeSecretFile(value, m);
          releases.push(() => fs.rmSync(posix.dirname(file), { recursive: true, force: true }));
          out.push({
            type: 'bind',
            source: file,
            destination: m.env ? target : secretTarget(m),
            readOnly: true,
          });
          break;
        }
        case 'ssh':
          throw new Error(
            'RUN --mount=type=ssh is not supported by Berth yet: pass what the step needs as a secret',
          );
      }
    }
  } catch (err) {
    release();
    throw err;
  }
  return { mounts: out, env, release };
}

/** A context path for a bind mount: the directory itself when .dockerignore hides nothing in it. */
function contextSource(context: BuildContext, source: string): PreparedSource {
  const [entry] = context.resolve(source || '/');
  if (!context.ignore) return { path: entry.abs, release: () => {} };
  // Some files may be excluded: the step sees a copy of what the build may see.
  const staging = fs.mkdtempSync(join(tmpdir(), 'berth-bind-ctx-'));
  for (const f of context.walk(entry)) {
    const dst = f.rel ? join(staging, f.rel) : staging;
    if (f.stat.isDirectory()) {
      if (f.rel) fs.mkdirSync(dst, { recursive: true });
      fs.chmodSync(dst, Number(f.stat.mode) & 0o7777);
    } else if (f.stat.isSymbolicLink()) {
      fs.symlinkSync(fs.readlinkSync(f.abs), dst);
    } else if (f.stat.isFile()) {
      try {
        fs.linkSync(f.abs, dst);
      } catch {
        fs.copyFileSync(f.abs, dst);
      }
    }
  }
  return { path: staging, release: () => fs.rmSync(staging, { recursive: true, force: true }) };
}

async function cacheDir(store: Store, m: Mount, target: string, releases: (() => void)[]): Promise<string> {
  const id = m.cacheId || target;
  const hash = createHash('sha256').update(id).digest('hex');
  const base = join(store.root, 'build', 'mounts');
  let dir = join(base, hash);
  const sharing = m.cacheSharing || 'shared';
  if (sharing === 'locked') {
    for (;;) {
      const busy = lockedCaches.get(hash);
      if (!busy) break;
      await busy;
    }
    let done!: () => void;
    lockedCaches.set(hash, new Promise<void>((resolve) => (done = resolve)));
    releases.push(() => {
      lockedCaches.delete(hash);
      done();
    });
  } else if (sharing === 'private' && busyCaches.has(hash)) {
    dir = join(base, `${hash}-${randomBytes(4).toString('hex')}`);
    const privateDir = dir;
    releases.push(() => fs.rmSync(privateDir, { recursive: true, force: true }));
  }
  if (sharing === 'private') {
    busyCaches.add(hash);
    releases.push(() => busyCaches.delete(hash));
  }
  if (!fs.existsSync(dir)) {
    fs.mkdirSync(dir, { recursive: true, mode: m.mode ?? 0o755 });
    fs.chmodSync(dir, m.mode ?? 0o755);
    fs.chownSync(dir, m.uid ?? 0, m.gid ?? 0);
  }
  return dir;
}

function readSecret(source: SecretSource | undefined, id: string, required: boolean): Buffer | undefined {
  if (!source) {
    if (required)
      throw new Error(`secret ${id} is required but was not given: pass it with --secret id=${id},src=FILE`);
    return undefined;
  }
  if (source.env !== undefined) {
    const value = process.env[source.env];
    if (value === undefined) {
      if (required) throw new Error(`secret ${id}: environment variable ${source.env} is not set`);
      return undefined;
    }
    return Buffer.from(value);
  }
  try {
    return fs.readFileSync(source.file!);
  } catch (err) {
    throw new Error(`secret ${id}: cannot read ${source.file}: ${(err as Error).message}`);
  }
}

/** The secret's value in a private tmpfs-backed file when /dev/shm exists, owner and mode as asked. */
function writeSecretFile(value: Buffer, m: Mount): string {
  const base = fs.existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const dir = fs.mkdtempSync(join(base, 'berth-secret-'));
  fs.chmodSync(dir, 0o700);
  const file = join(dir, 'secret');
  fs.writeFileSync(file, value, { mode: 0o600 });
  fs.chownSync(file, m.uid ?? 0, m.gid ?? 0);
  fs.chmodSync(file, m.mode ?? 0o400);
  return file;
}
