// The root filesystem of one layer-making step: an overlay of the parent's snapshots (read-only
// lower dirs) and a fresh upper dir, mounted under <root>/build/work. What the step writes lands
// in the upper dir, which then becomes the step's layer and snapshot. Mount points the step needs
// (/proc, /etc/hosts, a secret file, a cache dir) are created as stubs beforehand and removed from
// the upper dir afterwards, so they never end up in the layer.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { join, posix } from 'node:path';
import type { Digest } from '../oci/digest';
import type { FileCalls } from '../runtime/linux/fs';
import type { MountCalls } from '../runtime/linux/mount';
import type { Store } from '../store/store';
import type { LayerRef } from './cache';
import { overlayOpaqueXattr } from '../store/layers/whiteouts';
import { commitLayer } from './layers';
import type { PreparedSource } from './run-mounts';
import { realPathInRoot } from '../fs/resolve-in-root';
import { mkdirAllInRoot } from './rootfs-paths';

interface Stub {
  /** In-root paths this stub created, parents first. */
  created: string[];
  /** Directories that existed above it, with their mode and owner, deepest first. */
  existingParents: { path: string; mode: number; uid: number; gid: number }[];
}

export function workRoot(store: Store): string {
  return join(store.root, 'build', 'work');
}

/** Removes what crashed builds left under the work root (dirs named after a dead process). */
export function cleanupWork(store: Store, mounts: MountCalls): void {
  const root = workRoot(store);
  fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  for (const name of fs.readdirSync(root)) {
    const pid = Number(name.split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) continue;
    if (pid === process.pid) continue;
    const dir = join(root, name);
    try {
      mounts.unmount(join(dir, 'merged'));
    } catch {
      // Not mounted.
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class StepRootfs {
  private mounted = false;
  private readonly stubs: Stub[] = [];

  private constructor(
    readonly dir: string,
    private readonly mounts: MountCalls,
    private readonly calls: FileCalls,
  ) {}

  get upper(): string {
    return join(this.dir, 'upper');
  }

  get merged(): string {
    return join(this.dir, 'merged');
  }

  /** Mounts the rootfs: the snapshots of `parent` (a chain ID) below, nothing for scratch. */
  static open(store: Store, mounts: MountCalls, parent: Digest | undefined): StepRootfs {
    const dir = join(workRoot(store), `${process.pid}-${randomBytes(6).toString('hex')}`);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const sub of ['upper', 'work', 'merged', 'empty']) fs.mkdirSync(join(dir, sub), { mode: 0o755 });
    const rootfs = new StepRootfs(dir, mounts, store.calls);
    const lower = parent ? store.snapshots.lowerDirs(parent) : [join(dir, 'empty')];
    mounts.mountOverlay(rootfs.merged, { lower, upper: rootfs.upper, work: join(dir, 'work') });
    rootfs.mounted = true;
    return rootfs;
  }

  /** An empty directory for a layer that does not build on its parent (COPY --link). */
  static scratchDir(store: Store): string {
    const dir = join(workRoot(store), `${process.pid}-${randomBytes(6).toString('hex')}`, 'upper');
    fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    return dir;
  }

  /**
   * Makes sure `path` exists in the rootfs for a mount on it (`file` for a file bind mount), and
   * remembers what had to be created. Returns the in-root path with symlinks resolved.
   */
  stub(path: string, kind: 'dir' | 'file'): string {
    const real = realPathInRoot(this.merged, path);
    const host = join(this.merged, real);
    if (fs.existsSync(host)) return real;
    const parent = posix.dirname(real);
    const existingParents: Stub['existingParents'] = [];
    for (let p = parent; ; p = posix.dirname(p)) {
      let st: fs.Stats | undefined;
      try {
        st = fs.statSync(join(this.merged, p));
      } catch {
        // Created below.
      }
      if (st) existingParents.push({ path: p, mode: st.mode, uid: st.uid, gid: st.gid });
      if (p === '/') break;
    }
    const created = mkdirAllInRoot(this.merged, parent, 0o755, { uid: 0, gid: 0 });
    if (kind === 'dir') fs.mkdirSync(host, { mode: 0o755 });
    else fs.closeSync(fs.openSync(host, 'wx', 0o644));
    created.push(real);
    this.stubs.push({ created, existingParents });
    return real;
  }

  /** Unmounts the rootfs and takes the stubs back out of the upper dir. */
  unmount(): void {
    if (this.mounted) {
      this.mounts.unmount(this.merged);
      this.mounted = false;
    }
    for (const stub of this.stubs.reverse()) this.removeStub(stub);
    this.stubs.length = 0;
  }

  private removeStub(stub: Stub): void {
    for (const path of [...stub.created].reverse()) {
      const host = join(this.upper, path);
      let st: fs.Stats;
      try {
        st = fs.lstatSync(host);
      } catch {
        continue;
      }
      // Only what is still as the stub left it: an empty file or an empty directory.
      if (st.isFile() && st.size === 0) fs.rmSync(host);
      else if (st.isDirectory() && fs.readdirSync(host).length === 0) fs.rmdirSync(host);
      else return;
    }
    // Directories above the stub got copied up when the stub was made; drop each one the step
    // left empty and unchanged (it then adds nothing to the layer).
    for (const parent of stub.existingParents) {
      if (parent.path === '/') break;
      const host = join(this.upper, parent.path);
      let st: fs.Stats;
      try {
        st = fs.lstatSync(host);
      } catch {
        continue;
      }
      const unchanged = st.mode === parent.mode && st.uid === parent.uid && st.gid === parent.gid;
      if (!st.isDirectory() || !unchanged || fs.readdirSync(host).length > 0) return;
      // An opaque directory hides the lower one's content: it is a change even when empty.
      if (this.calls.lgetxattr(host, overlayOpaqueXattr) !== undefined) return;
      fs.rmdirSync(host);
    }
  }

  /** Turns the upper dir into a layer on top of `parent`; the rootfs must be unmounted. */
  async commit(store: Store, parent: Digest | undefined): Promise<LayerRef> {
    this.unmount();
    return commitLayer(store, this.upper, parent);
  }

  /** Unmounts if needed and deletes everything left. */
  dispose(): void {
    try {
      if (this.mounted) this.mounts.unmount(this.merged);
    } finally {
      this.mounted = false;
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

/** A read-only overlay of a stage's or image's layers, for COPY --from and RUN --mount from=. */
export function mountReadOnly(store: Store, mounts: MountCalls, top: Digest | undefined): PreparedSource {
  const dir = join(StepRootfs.scratchDir(store), '..');
  const target = join(dir, 'tree');
  fs.mkdirSync(target);
  if (!top) return { path: target, release: () => fs.rmSync(dir, { recursive: true, force: true }) };
  // overlayfs wants two lower dirs at least when there is no upper dir.
  const empty = join(dir, 'empty');
  fs.mkdirSync(empty);
  mounts.mountOverlay(target, { lower: [...store.snapshots.lowerDirs(top), empty], readOnly: true });
  return {
    path: target,
    release: () => {
      mounts.unmount(target);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
