// save and load against podman and skopeo: what berth saves they load (and podman runs), what
// they save berth loads; hostile archives are refused.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createWriteStream } from 'node:fs';
import { loadImages } from '../../../engine/src/store/archive/load';
import { saveImages } from '../../../engine/src/store/archive/save';
import { Store } from '../../../engine/src/store/store';
import { type LayoutImage, makeBusyboxLayout, skopeoEnv } from '../../helpers/busybox-image';
import { haveBusybox } from '../../helpers/busybox-rootfs';
import { haveDockerd, PrivateDockerd } from '../../helpers/dockerd';
import { havePodman, makePodman, type Podman } from '../../helpers/podman';
import { skipBecause } from '../../helpers/skip';

describe('save and load', function () {
  let work: string;
  let image: LayoutImage;
  let store: Store;

  before(async function () {
    if (!haveBusybox()) {
      skipBecause(this, 'needs busybox-static (apt-get install busybox-static)');
    }
    work = mkdtempSync(join(tmpdir(), 'berth-archive-'));
    image = makeBusyboxLayout(join(work, 'layout'));
    store = Store.open(join(work, 'store'));
    const tar = join(work, 'layout.tar');
    execFileSync('tar', ['-C', image.layoutDir, '-cf', tar, '.']);
    await loadImages(store, createReadStream(tar));
    store.tag(image.configDigest, 'berth-test/busybox:saved');
  });
  after(() => work && rmSync(work, { recursive: true, force: true }));

  async function saveTo(path: string, refs: string[]): Promise<void> {
    await pipeline(saveImages(store, refs), createWriteStream(path));
  }

  it('loads an OCI layout by config digest and keeps its digests', () => {
    const { image: loaded } = store.resolve('berth-test/busybox:saved');
    assert.equal(loaded.id, image.configDigest);
    assert.equal(loaded.manifestDescriptor.digest, image.manifestDigest);
    const [fs] = store.snapshots.lowerDirs(loaded.chainIds[0]);
    assert.deepEqual(readFileSync(join(fs, 'bin/busybox')), readFileSync('/bin/busybox'));
  });

  it('saves an archive skopeo reads both as docker-archive and as oci-archive', async () => {
    const tar = join(work, 'saved.tar');
    await saveTo(tar, ['berth-test/busybox:saved']);
    const asDocker = JSON.parse(
      execFileSync('skopeo', ['inspect', '--raw', '--config', `docker-archive:${tar}`], {
        encoding: 'utf8',
        env: skopeoEnv(),
      }),
    );
    assert.deepEqual(
      asDocker.rootfs.diff_ids,
      image.layers.map((l) => l.diffId),
    );
    const ociDir = join(work, 'from-saved');
    execFileSync('skopeo', ['copy', '--quiet', `oci-archive:${tar}`, `oci:${ociDir}:x`], {
      env: skopeoEnv(),
    });
    const index = JSON.parse(readFileSync(join(ociDir, 'index.json'), 'utf8'));
    assert.equal(index.manifests[0].digest, image.manifestDigest, 'skopeo keeps the manifest byte for byte');
  });

  describe('with podman', () => {
    let podman: Podman;
    before(function () {
      if (!havePodman()) {
        skipBecause(this, 'needs root and podman (apt-get install podman)');
      }
      podman = makePodman();
    });
    after(() => podman?.cleanup());

    it('podman loads what berth saves, and runs it', async () => {
      const tar = join(work, 'for-podman.tar');
      await saveTo(tar, ['berth-test/busybox:saved']);
      const out = podman.run(['load', '-i', tar]);
      assert.match(out, /Loaded image: (docker\.io\/)?berth-test\/busybox:saved/);
      assert.equal(
        podman.run(['image', 'inspect', '--format', '{{.Id}}', 'berth-test/busybox:saved']).trim(),
        image.configDigest.slice(7),
      );
      const hello = podman.run([
        'run',
        '--rm',
        '--network',
        'none',
        'berth-test/busybox:saved',
        'sh',
        '-c',
        'echo hello from $(busybox | head -1 | cut -d" " -f1)',
      ]);
      assert.equal(hello.trim(), 'hello from BusyBox');
    });

    for (const format of ['docker-archive', 'oci-archive']) {
      it(`berth loads what podman saves as ${format}`, async () => {
        const tar = join(work, `podman-${format}.tar`);
        podman.run(['save', '--format', format, '-o', tar, 'berth-test/busybox:saved']);
        const fresh = Store.open(join(work, `store-${format}`));
        const lines: string[] = [];
        const loaded = await loadImages(fresh, createReadStream(tar), (l) => lines.push(l));
        assert.equal(loaded[0].image.id, image.configDigest);
        assert.deepEqual(lines, ['Loaded image: berth-test/busybox:saved']);
        const [fs] = fresh.snapshots.lowerDirs(loaded[0].image.chainIds[0]);
        assert.deepEqual(readFileSync(join(fs, 'bin/busybox')), readFileSync('/bin/busybox'));
      });
    }
  });

  describe('with a private dockerd', () => {
    let dockerd: PrivateDockerd | undefined;
    before(async function () {
      if (!haveDockerd() || process.getuid?.() !== 0) {
        skipBecause(this, 'needs root and dockerd (apt-get install docker.io)');
      }
      this.timeout(120_000);
      dockerd = new PrivateDockerd();
      await dockerd.start();
    });
    after(async () => dockerd?.stop());

    it('docker loads what berth saves, and what docker saves berth loads back identical', async () => {
      const tar = join(work, 'for-docker.tar');
      await saveTo(tar, ['berth-test/busybox:saved']);
      assert.match(dockerd!.docker(['load', '-i', tar]), /Loaded image: berth-test\/busybox:saved/);
      assert.equal(
        dockerd!.docker(['image', 'inspect', '--format', '{{.Id}}', 'berth-test/busybox:saved']).trim(),
        image.configDigest,
      );
      const back = join(work, 'from-docker.tar');
      dockerd!.docker(['save', '-o', back, 'berth-test/busybox:saved']);
      const fresh = Store.open(join(work, 'store-docker'));
      const lines: string[] = [];
      const loaded = await loadImages(fresh, createReadStream(back), (l) => lines.push(l));
      assert.deepEqual(lines, ['Loaded image: berth-test/busybox:saved']);
      assert.equal(loaded[0].image.id, image.configDigest);
      assert.deepEqual(
        loaded[0].image.config.rootfs.diff_ids,
        image.layers.map((l) => l.diffId),
      );
      const [fs] = fresh.snapshots.lowerDirs(loaded[0].image.chainIds[0]);
      assert.deepEqual(readFileSync(join(fs, 'bin/busybox')), readFileSync('/bin/busybox'));
    });
  });

  it('loads a gzipped archive and an image without a name (as <none>)', async () => {
    const tar = join(work, 'noname.tar');
    await saveTo(tar, [image.configDigest]);
    const gz = join(work, 'noname.tar.gz');
    execFileSync('sh', ['-c', `gzip -c ${tar} > ${gz}`]);
    const fresh = Store.open(join(work, 'store-noname'));
    const lines: string[] = [];
    await loadImages(fresh, createReadStream(gz), (l) => lines.push(l));
    assert.deepEqual(lines, [`Loaded image ID: ${image.configDigest}`]);
    assert.equal(fresh.resolve(image.configDigest.slice(7, 19)).image.id, image.configDigest);
  });

  it('refuses archives whose files do not match their digests, or that point outside', async () => {
    const dir = join(work, 'hostile');
    mkdirSync(join(dir, 'blobs/sha256'), { recursive: true });
    const config = readFileSync(join(image.layoutDir, 'blobs/sha256', image.configDigest.slice(7)));
    writeFileSync(join(dir, 'config.json'), config);
    writeFileSync(
      join(dir, 'manifest.json'),
      JSON.stringify([{ Config: 'config.json', RepoTags: ['evil:1'], Layers: ['../../../../etc/passwd'] }]),
    );
    const tar = join(work, 'hostile.tar');
    execFileSync('tar', ['-C', dir, '-cf', tar, '.']);
    const fresh = Store.open(join(work, 'store-hostile'));
    await assert.rejects(loadImages(fresh, createReadStream(tar)), /lacks layer 1/);
    assert.equal(fresh.images.list().length, 0);

    // An OCI layout whose blob was tampered with.
    const layout = join(work, 'tampered');
    execFileSync('cp', ['-r', image.layoutDir, layout]);
    const layerPath = join(layout, 'blobs/sha256', image.layers[0].digest.slice(7));
    const bytes = readFileSync(layerPath);
    bytes[100] ^= 0xff;
    writeFileSync(layerPath, bytes);
    const tampered = join(work, 'tampered.tar');
    execFileSync('tar', ['-C', layout, '-cf', tampered, '.']);
    await assert.rejects(loadImages(fresh, createReadStream(tampered)), /does not match its digest/);
    assert.equal(fresh.blobs.has(image.layers[0].digest as never), false);
    assert.equal(fresh.images.list().length, 0);
  });
});
