// `berth run` in-process, until berthd serves containers: an image's rootfs as an overlay of its
// snapshots with a throwaway upper dir, its config (Entrypoint, Cmd, Env, WorkingDir, User) with
// the command line's overrides, run once through the same runtime interface RUN steps use. Enough
// to run a freshly built image and probe it; the daemon's containers replace it.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StepExecutor, StepMount } from '../build/executor';
import { imageFromStored } from '../build/image';
import { ensureImageSnapshots } from '../build/stage';
import { mkdirAllInRoot } from '../build/rootfs-paths';
import { StepRootfs } from '../build/step-rootfs';
import { resolveUser } from '../build/users';
import { linuxMountCalls, type MountCalls } from '../runtime/linux/mount';
import type { Store } from '../store/store';

export interface LocalRunOptions {
  image: string;
  /** Replaces the image's Cmd. */
  command?: string[];
  /** Replaces the image's Entrypoint ('' clears it). */
  entrypoint?: string;
  /** Extra variables, `KEY=VALUE`. */
  env?: string[];
  workdir?: string;
  user?: string;
  network?: 'none' | 'host';
}

export interface LocalRunIo {
  stdout(chunk: Buffer): void;
  stderr(chunk: Buffer): void;
}

export async function runLocal(
  store: Store,
  executor: StepExecutor,
  options: LocalRunOptions,
  io: LocalRunIo,
  mounts: MountCalls = linuxMountCalls,
): Promise<number> {
  const { image: stored } = store.resolve(options.image);
  const image = imageFromStored(stored);
  await ensureImageSnapshots(store, image);
  const config = image.config;
  const entrypoint =
    options.entrypoint !== undefined
      ? options.entrypoint === ''
        ? []
        : [options.entrypoint]
      : (config.Entrypoint ?? []);
  const cmd = options.command?.length
    ? options.command
    : options.entrypoint !== undefined
      ? []
      : (config.Cmd ?? []);
  const args = [...entrypoint, ...cmd];
  if (args.length === 0) {
    throw new Error(
      `${options.image} has no command to run: give one after the image name, or build it with CMD`,
    );
  }
  const id = randomBytes(6).toString('hex');
  const rootfs = StepRootfs.open(store, mounts, image.layers.at(-1)?.chainId);
  const etc = fs.mkdtempSync(join(tmpdir(), 'berth-run-etc-'));
  try {
    fs.writeFileSync(
      join(etc, 'hosts'),
      `127.0.0.1\tlocalhost ${id}\n::1\tlocalhost ip6-localhost ip6-loopback\n`,
    );
    fs.writeFileSync(join(etc, 'hostname'), `${id}\n`);
    let resolv = '';
    if (options.network !== 'none') {
      try {
        resolv = fs.readFileSync('/etc/resolv.conf', 'utf8');
      } catch {
        // No resolver on the host.
      }
    }
    fs.writeFileSync(join(etc, 'resolv.conf'), resolv);
    const extra: StepMount[] = ['hosts', 'hostname', 'resolv.conf'].map((f) => ({
      type: 'bind',
      source: join(etc, f),
      destination: `/etc/${f}`,
      readOnly: false,
    }));
    for (const dir of ['/proc', '/dev', '/sys']) rootfs.stub(dir, 'dir');
    for (const m of extra) rootfs.stub(m.destination, 'file');
    const cwd = options.workdir ?? (config.WorkingDir || '/');
    mkdirAllInRoot(rootfs.merged, cwd, 0o755, { uid: 0, gid: 0 });
    const user = resolveUser(rootfs.merged, options.user ?? config.User ?? '');
    const env = [...(config.Env ?? []), `HOSTNAME=${id}`, ...(options.env ?? [])];
    if (!env.some((e) => e.startsWith('HOME='))) env.push(`HOME=${user.home}`);
    const exit = await executor.run({
      id: `berth-run-${id}`,
      rootfs: rootfs.merged,
      args,
      env,
      cwd,
      user,
      hostname: id,
      mounts: extra,
      network: options.network ?? 'host',
      output: (stream, chunk) => (stream === 'stdout' ? io.stdout(chunk) : io.stderr(chunk)),
    });
    return exit.exitCode;
  } finally {
    rootfs.dispose();
    fs.rmSync(etc, { recursive: true, force: true });
  }
}
