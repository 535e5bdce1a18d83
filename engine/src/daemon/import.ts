// `docker import`: a root filesystem tarball (plain, gzip or zstd; `docker export` writes one)
// becomes a one-layer image. As Docker does, its config starts empty, the --change instructions
// are applied to it, and its one history entry carries the message. The tarball is unpacked with
// the checks every pulled layer gets, into a directory of the store's own: a hostile entry (`..`,
// a link out, a device node when not root) is refused before anything is written outside it.
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { ImportOptions } from '../api/backend';
import { writeImage, type BuildImage } from '../build/image';
import { commitLayer } from '../build/layers';
import { defaultPathEnv, StageState } from '../build/stage-state';
import { hostPlatform, parsePlatform } from '../oci/platform';
import { withSniffedCompression } from '../store/layers/compression';
import { TarFormatError } from '../store/layers/tar-format';
import { unpackLayer, UnsafeLayerError } from '../store/layers/unpack';
import type { Daemon } from './daemon';
import { invalid, isEngineError } from './errors';
import { applyChanges, newImageReference, parseChanges } from './new-image';

export async function importTarball(
  daemon: Daemon,
  tarball: Readable,
  options: ImportOptions,
): Promise<{ Id: string }> {
  const store = daemon.imageService.store;
  let request: ReturnType<typeof checked>;
  try {
    request = checked(options);
  } catch (err) {
    tarball.resume(); // let the client finish sending, so that it reads the error
    throw err;
  }
  const { changes, reference, platform } = request;

  const work = join(store.root, 'build', 'import', randomBytes(6).toString('hex'));
  mkdirSync(work, { recursive: true, mode: 0o700 });
  try {
    const asRoot = store.snapshots.asRoot;
    try {
      const { stream, compression, empty } = await withSniffedCompression(tarball);
      if (empty) throw invalid('the tarball to import is empty');
      await unpackLayer(stream, compression, work, {
        calls: store.calls,
        asRoot,
        whiteouts: asRoot ? 'overlay' : 'oci',
        diffId: false,
      });
    } catch (err) {
      if (err instanceof UnsafeLayerError || err instanceof TarFormatError) {
        throw invalid(`the tarball cannot be imported: ${err.message}`);
      }
      throw err;
    }
    // The unpacked tree becomes the layer's snapshot; the layer's blob is packed from it.
    const layer = await commitLayer(store, work, undefined);
    const image: BuildImage = { platform, config: {}, history: [], layers: [layer] };
    const state = StageState.fromImage(image, '', '\\');
    applyChanges(state, changes);
    // A build's stage always has a PATH (StageState adds BuildKit's default); an imported image
    // has only what the changes set, as Docker makes it (a container gets the default PATH anyway).
    const env = state.image.config.Env?.filter((e) => e !== `PATH=${defaultPathEnv}`);
    if (env?.length) state.image.config.Env = env;
    else delete state.image.config.Env;
    const created = new Date().toISOString();
    state.image.history = [{ created, comment: options.message || 'Imported from -' }];
    const written = writeImage(store, state.image, created);
    if (reference) store.setName(reference, written.manifest);
    else store.addDangling(written.manifest);
    daemon.events.publish('image', 'import', written.config.digest, {
      name: reference ?? written.config.digest,
    });
    return { Id: written.config.digest };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The request's changes, name and platform, checked before the tarball is read. */
function checked(options: ImportOptions) {
  try {
    return {
      changes: parseChanges(options.changes),
      reference: newImageReference(options.repo, options.tag),
      platform: options.platform ? parsePlatform(options.platform) : hostPlatform(),
    };
  } catch (err) {
    throw isEngineError(err) ? err : invalid((err as Error).message);
  }
}
