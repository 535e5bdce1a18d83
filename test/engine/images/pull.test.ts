import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseReference } from '../../../engine/src/oci/reference';
import { RegistryClient } from '../../../engine/src/registry/client';
import { pullImage } from '../../../engine/src/registry/pull';
import { Store } from '../../../engine/src/store/store';
import { workerThresholdBytes } from '../../../engine/src/store/layers/unpack-thread';
import { craftTar } from '../../unit/store/layers/crafted-tar';
import { type LayoutImage, makeBusyboxLayout, makeOciLayout, skopeoPush } from '../../helpers/busybox-image';
import { haveBusybox } from '../../helpers/busybox-rootfs';
import { haveRegistry, startRegistry, type TestRegistry } from '../../helpers/registry';
import { skipBecause } from '../../helpers/skip';

/** A one-layer OCI layout around a tar made byte by byte (what no honest tool would pack). */
function layoutFromTar(layoutDir: string, tar: Buffer): LayoutImage {
  const blob = (data: Buffer) => {
    const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;
    writeFileSync(join(layoutDir, 'blobs/sha256', digest.slice(7)), data);
    return { digest, size: data.length };
  };
  mkdirSync(join(layoutDir, 'blobs/sha256'), { recursive: true });
  writeFileSync(join(layoutDir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const layer = blob(gzipSync(tar, { level: 1 }));
  const diffId = `sha256:${createHash('sha256').update(tar).digest('hex')}`;
  const config = blob(
    Buffer.from(
      JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [diffId] } }),
    ),
  );
  const manifest = blob(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }],
      }),
    ),
  );
  const ref = { 'org.opencontainers.image.ref.name': 'latest' };
  writeFileSync(
    join(layoutDir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, annotations: ref }],
    }),
  );
  return {
    layoutDir,
    tag: 'latest',
    manifestDigest: manifest.digest,
    manifestSize: manifest.size,
    configDigest: config.digest,
    layers: [{ ...layer, diffId }],
  };
}

describe('pull from a real registry', function () {
  let registry: TestRegistry;
  let work: string;
  let image: LayoutImage;

  before(async function () {
    if (!haveRegistry() || !haveBusybox()) {
      skipBecause(this, 'needs docker-registry and busybox-static (apt, see .ci/setup)');
    }
    work = mkdtempSync(join(tmpdir(), 'berth-pull-'));
    image = makeBusyboxLayout(join(work, 'layout'));
    registry = await startRegistry();
    skopeoPush(image, `${registry.address}/test/busybox:1`);
  });

  after(async () => {
    await registry?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('pulls the busybox image: same digests, a snapshot with the files, a name', async () => {
    const store = Store.open(join(work, 'store1'));
    const ref = parseReference(`${registry.address}/test/busybox:1`);
    const messages: string[] = [];
    const result = await pullImage(store, new RegistryClient(ref.domain), ref, {
      onProgress: (m) => messages.push(m.status),
    });
    assert.equal(result.digest, image.manifestDigest);
    assert.equal(result.image.id, image.configDigest);
    assert.deepEqual(
      result.image.manifest.layers.map((l) => l.digest),
      image.layers.map((l) => l.digest),
    );
    const [snapshot] = store.snapshots.lowerDirs(result.image.chainIds[0]);
    assert.deepEqual(readFileSync(join(snapshot, 'bin/busybox')), readFileSync('/bin/busybox'));
    assert.equal(readlinkSync(join(snapshot, 'bin/sh')), '/bin/busybox');
    assert.equal(statSync(join(snapshot, 'tmp')).mode & 0o7777, 0o1777);
    assert.equal(store.images.get(`${registry.address}/test/busybox:1`)?.target.digest, image.manifestDigest);
    assert.ok(messages.includes('Pull complete'), messages.join('\n'));
    const again = await pullImage(store, new RegistryClient(ref.domain), ref);
    assert.equal(again.changed, false);
  });

  it('lets ext4 place each snapshot afresh: the snapshots directory carries the T flag', function () {
    const store = Store.open(join(work, 'store-topdir'));
    const fsType = execFileSync('stat', ['-f', '-c', '%T', store.snapshots.dir], { encoding: 'utf8' }).trim();
    if (fsType !== 'ext2/ext3') skipBecause(this, `the flag is ext4's; ${tmpdir()} is on ${fsType}`);
    const [flags] = execFileSync('lsattr', ['-d', store.snapshots.dir], { encoding: 'utf8' }).split(' ');
    assert.match(flags, /T/, `lsattr -d ${store.snapshots.dir}: ${flags}`);
  });

  it('unpacks a big layer on the worker thread while it downloads; refuses a hostile one and stores nothing', async () => {
    // Random bytes do not compress: the layer is past the size that sends it to the worker thread.
    const tree = join(work, 'big-tree');
    mkdirSync(join(tree, 'data'), { recursive: true });
    const payload = randomBytes(workerThresholdBytes + (1 << 20));
    writeFileSync(join(tree, 'data/blob.bin'), payload, { mode: 0o640 });
    symlinkSync('blob.bin', join(tree, 'data/link'));
    const big = makeOciLayout(join(work, 'big-layout'), [tree], { tag: 'big' });
    assert.ok(big.layers[0].size >= workerThresholdBytes);
    skopeoPush(big, `${registry.address}/test/big:1`);
    const store = Store.open(join(work, 'store-big'));
    const ref = parseReference(`${registry.address}/test/big:1`);
    const result = await pullImage(store, new RegistryClient(ref.domain), ref);
    const [snapshot] = store.snapshots.lowerDirs(result.image.chainIds[0]);
    assert.deepEqual(readFileSync(join(snapshot, 'data/blob.bin')), payload);
    assert.equal(statSync(join(snapshot, 'data/blob.bin')).mode & 0o7777, 0o640);
    assert.equal(readlinkSync(join(snapshot, 'data/link')), 'blob.bin');

    // As big, with an entry that writes through a symlink the layer made.
    const hostile = layoutFromTar(
      join(work, 'hostile-layout'),
      craftTar([
        { path: 'padding.bin', body: randomBytes(workerThresholdBytes + (1 << 20)) },
        { path: 'escape', type: '2', linkpath: '/etc' },
        { path: 'escape/berth-pwned', body: 'pwned' },
      ]),
    );
    skopeoPush(hostile, `${registry.address}/test/hostile:1`);
    const badRef = parseReference(`${registry.address}/test/hostile:1`);
    await assert.rejects(
      pullImage(store, new RegistryClient(badRef.domain), badRef),
      /refusing layer entry "escape\/berth-pwned"/,
    );
    assert.ok(!statSync('/etc/berth-pwned', { throwIfNoEntry: false }), 'nothing written through the link');
    assert.equal(store.images.get(`${registry.address}/test/hostile:1`), undefined);
    assert.deepEqual(
      readdirSync(store.snapshots.dir).filter((n) => n.startsWith('.')),
      [],
      'the half-unpacked snapshot was removed',
    );
  });
});
