// `docker commit`: a container's changes become a layer on top of its image, with the container's
// configuration (and the --change instructions, applied by the builder's own dispatcher) as the new
// image config. The running container is frozen while its upper dir is copied.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { CommitOptions } from '../api/backend';
import type { ContainerConfig } from '../api/types';
import { imageFromStored, topChainId, writeImage } from '../build/image';
import { commitLayer } from '../build/layers';
import { StageState } from '../build/stage-state';
import { commandText } from './containers/record';
import { rootfsPaths } from './containers/rootfs';
import { isActive } from './containers/state';
import type { Daemon } from './daemon';
import { applyChanges, newImageReference, parseChanges } from './new-image';

const execFileAsync = promisify(execFile);

/** What of a container's configuration an image keeps (not its hostname, TTY or stdin wiring). */
function imageConfigOf(c: ContainerConfig): ContainerConfig {
  const keep: (keyof ContainerConfig)[] = [
    'User',
    'ExposedPorts',
    'Env',
    'Cmd',
    'Healthcheck',
    'Volumes',
    'WorkingDir',
    'Entrypoint',
    'OnBuild',
    'Labels',
    'StopSignal',
    'Shell',
  ];
  const out: Record<string, unknown> = {};
  for (const k of keep) if (c[k] !== undefined && c[k] !== null) out[k] = c[k];
  return out as ContainerConfig;
}

export async function commitContainer(daemon: Daemon, options: CommitOptions): Promise<{ Id: string }> {
  const rec = daemon.containerService.get(options.container);
  const store = daemon.imageService.store;
  const base = daemon.imageService.resolve(rec.Image);

  // Check the changes and the name before touching anything.
  const changes = parseChanges(options.changes);
  const reference = newImageReference(options.repo, options.tag);

  // A copy of the upper dir on the store's file system becomes the layer's snapshot.
  const work = join(store.root, 'build', 'commit', randomBytes(6).toString('hex'));
  mkdirSync(join(work, '..'), { recursive: true, mode: 0o700 });
  const freeze = options.pause && rec.State.Status === 'running';
  if (freeze) daemon.options.runtime.pause(rec.Id);
  try {
    await execFileAsync('cp', ['-a', rootfsPaths(daemon.containerService.pathsOf(rec).dir).diff, work]);
  } finally {
    if (freeze && isActive(daemon.containerService.get(rec.Id).State.Status))
      daemon.options.runtime.resume(rec.Id);
  }
  try {
    const image = imageFromStored(base);
    image.config = {
      ...imageConfigOf(rec.Config),
      ...(options.config ? imageConfigOf(options.config) : {}),
    } as typeof image.config;
    if (options.author) image.author = options.author;
    const layer = await commitLayer(store, work, topChainId(image));
    const state = StageState.fromImage(image, '', '\\');
    applyChanges(state, changes);
    // The changes are in the config; history has one entry for the commit, as Docker writes it.
    state.image.history = state.image.history.filter((h) => h.created !== undefined || !h.empty_layer);
    const created = new Date().toISOString();
    state.image.history.push({
      created,
      created_by: commandText(rec.Config),
      ...(options.comment ? { comment: options.comment } : {}),
      ...(options.author ? { author: options.author } : {}),
    });
    state.image.layers.push(layer);
    const written = writeImage(store, state.image, created);
    if (reference) store.setName(reference, written.manifest);
    else store.addDangling(written.manifest);
    daemon.containerService.recordEvent(rec, 'commit', { ...(reference ? { comment: reference } : {}) });
    daemon.events.publish('image', 'tag', written.config.digest, {
      name: reference ?? written.config.digest,
    });
    return { Id: written.config.digest };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
