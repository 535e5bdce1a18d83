// The transfer half of a pull, alone, for the images benchmark (run as its own process, as skopeo
// is): resolves the manifest and downloads the config and every layer blob with the pull's own
// downloadBlob (3 at once, each hashed while it streams, fsynced, committed under its digest, the
// blob directory fsynced), and unpacks nothing. What `skopeo copy` to an OCI directory does.
// Run: node out/bench/images-fetch.js <store root> <registry reference>
import { parseImageConfig, parseManifestOrIndex } from '../engine/src/oci/image-spec';
import { parseReference } from '../engine/src/oci/reference';
import { RegistryClient } from '../engine/src/registry/client';
import { runLimited, shortId } from '../engine/src/registry/progress';
import { downloadBlob } from '../engine/src/registry/pull';
import { Store } from '../engine/src/store/store';

async function main(): Promise<void> {
  const [root, reference] = process.argv.slice(2);
  if (!root || !reference) throw new Error('usage: images-fetch.js <store root> <registry reference>');
  const ref = parseReference(reference);
  const store = Store.open(root);
  const client = new RegistryClient(ref.domain);
  const top = await client.getManifest(ref.path, ref.digest ?? ref.tag ?? 'latest');
  const doc = parseManifestOrIndex(top.bytes, top.mediaType);
  if (doc.kind !== 'manifest') throw new Error(`${reference}: expected an image manifest, got an index`);
  const { config, layers } = doc.manifest;
  await runLimited(
    [config, ...layers].map(
      (desc) => () => downloadBlob(store, client, ref.path, desc, shortId(desc.digest), {}),
    ),
    3,
  );
  parseImageConfig(store.blobs.read(config.digest)); // as the pull does: the config must parse
  store.blobs.syncNames();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
