import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  utimesSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Digest } from '../../../engine/src/oci/digest';
import { loadImages } from '../../../engine/src/store/archive/load';
import { DigestMismatchError } from '../../../engine/src/store/blobs';
import { ImageNotFoundError, Store } from '../../../engine/src/store/store';
import { listImageSummaries, pruneImages } from '../../../engine/src/store/views';
import { type LayoutImage, makeOciLayout } from '../../helpers/busybox-image';

describe('image store', () => {
  let work: string;
  let base: LayoutImage;
  let child: LayoutImage;
  let store: Store;

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'berth-store-'));
    const a = join(work, 'a');
    const b = join(work, 'b');
    mkdirSync(a);
    mkdirSync(b);
    writeFileSync(join(a, 'base.txt'), 'base layer');
    writeFileSync(join(b, 'child.txt'), 'child layer');
    base = makeOciLayout(join(work, 'base'), [a], { tag: 'base' });
    child = makeOciLayout(join(work, 'child'), [a, b], { tag: 'child' }); // shares the base layer
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  async function load(layout: LayoutImage, root: string): Promise<void> {
    const tar = join(work, `${layout.tag}.tar`);
    execFileSync('tar', ['-C', layout.layoutDir, '-cf', tar, '.']);
    await loadImages(store, createReadStream(tar));
    void root;
  }

  beforeEach(async () => {
    const root = mkdtempSync(join(work, 'root-'));
    store = Store.open(root);
    await load(base, root);
    await load(child, root);
    store.tag(base.configDigest, 'example/base:1');
    store.tag(child.configDigest, 'example/child:1');
  });

  it('resolves names, full IDs and ID prefixes; says when a prefix is ambiguous or unknown', () => {
    assert.equal(store.resolve('example/base:1').image.id, base.configDigest);
    assert.equal(store.resolve('docker.io/example/base:1').image.id, base.configDigest);
    assert.equal(store.resolve(child.configDigest).image.id, child.configDigest);
    assert.equal(store.resolve(child.configDigest.slice(7, 19)).image.id, child.configDigest);
    assert.throws(() => store.resolve('example/nope'), ImageNotFoundError);
    assert.throws(() => store.resolve('ffffffffffff'), /No such image/);
    assert.throws(() => store.resolve(''), /reference is empty/);
  });

  it('shares the base layer snapshot between the two images', () => {
    const b = store.resolve('example/base:1').image;
    const c = store.resolve('example/child:1').image;
    assert.equal(b.chainIds[0], c.chainIds[0]);
    assert.equal(store.snapshots.list().length, 2);
    assert.deepEqual(store.snapshots.lowerDirs(c.chainIds[1]), [
      store.snapshots.fsPath(c.chainIds[1]),
      store.snapshots.fsPath(c.chainIds[0]),
    ]);
  });

  it('rmi untags, keeps shared content, and garbage-collects what nothing references', () => {
    const c = store.resolve('example/child:1').image;
    const removed = store.remove('example/child:1');
    assert.deepEqual(removed.deleted, [child.configDigest]);
    assert.ok(!store.snapshots.has(c.chainIds[1]), 'the child-only snapshot is gone');
    assert.ok(store.snapshots.has(c.chainIds[0]), 'the shared base snapshot stays');
    assert.ok(!store.blobs.has(child.layers[1].digest as Digest));
    assert.ok(store.blobs.has(base.layers[0].digest as Digest));
    store.remove('example/base:1');
    assert.deepEqual(store.snapshots.list(), []);
    assert.deepEqual(store.blobs.list(), []);
  });

  it("untagging the last tag of a repository drops that repository's digest reference too", () => {
    const target = store.resolve('example/base:1').record!.target;
    store.tag('example/base:1', 'pushed/base:1');
    store.images.set(`docker.io/pushed/base@${target.digest}`, target);
    const r = store.remove('pushed/base:1');
    assert.deepEqual(r.untagged.sort(), [
      'docker.io/pushed/base:1',
      `docker.io/pushed/base@${target.digest}`,
    ]);
    assert.deepEqual(r.deleted, [], 'example/base:1 still names the image');
    assert.ok(!store.images.list().some((rec) => rec.name.includes('pushed/base')));
  });

  it('refuses to delete an image by ID when several repositories name it, unless forced', () => {
    store.tag('example/base:1', 'other/base:2');
    assert.throws(() => store.remove(base.configDigest.slice(7, 19)), /referenced in multiple repositories/);
    const r = store.remove(base.configDigest.slice(7, 19), { force: true });
    assert.deepEqual(r.deleted, [base.configDigest]);
  });

  it('keeps held snapshots and refuses to remove a held image', () => {
    const c = store.resolve('example/child:1').image;
    store.hold('container-1', { snapshots: [c.chainIds[1]], images: [c.id] });
    assert.throws(() => store.remove('example/child:1'), /in use by container-1/);
    store.remove('example/child:1', { force: true });
    assert.ok(store.snapshots.has(c.chainIds[1]) && store.snapshots.has(c.chainIds[0]));
    store.release('container-1');
    store.gc();
    assert.ok(!store.snapshots.has(c.chainIds[1]));
  });

  it('leaves a retagged-away image dangling (<none>) instead of losing it', () => {
    store.tag('example/child:1', 'example/base:1');
    const summaries = listImageSummaries(store);
    const dangling = summaries.find((s) => s.Id === base.configDigest);
    assert.ok(dangling, 'the old base image is still listed');
    assert.deepEqual(dangling.RepoTags, []);
    assert.equal(store.gc().blobsRemoved, 0);
  });

  it('prunes dangling images, then with all every image, keeping what another image or a hold uses', () => {
    store.tag('example/child:1', 'example/base:1'); // the old base is now dangling
    const childImage = store.resolve('example/child:1').image;
    const dangling = pruneImages(store);
    assert.deepEqual(dangling.deleted, [{ Deleted: base.configDigest }]);
    assert.ok(dangling.spaceReclaimed > 0, 'its config blob at least is gone');
    assert.ok(store.snapshots.has(childImage.chainIds[0]), 'the shared base layer stays for the child');
    assert.deepEqual(pruneImages(store), { deleted: [], spaceReclaimed: 0 });

    store.hold('test-build', { images: [childImage.id] });
    assert.deepEqual(pruneImages(store, { all: true }).deleted, [], 'a held image is kept');
    store.release('test-build');
    const all = pruneImages(store, { all: true });
    assert.deepEqual(all.deleted.map((d) => Object.keys(d)[0]).sort(), ['Deleted', 'Untagged', 'Untagged']);
    assert.equal(listImageSummaries(store).length, 0);
    assert.equal(store.snapshots.list().length, 0, 'no snapshot is left without an image');
  });

  it('reports disk usage with shared sizes', () => {
    const usage = store.df();
    const b = usage.images.find((i) => i.id === base.configDigest)!;
    const c = usage.images.find((i) => i.id === child.configDigest)!;
    assert.ok(b.sharedSize > 0, 'the base layer is shared');
    assert.equal(b.sharedSize, c.sharedSize);
    assert.ok(c.uniqueSize > 0);
    assert.ok(usage.totalSize >= b.size);
    assert.equal(usage.reclaimable, usage.totalSize, 'nothing is in use');
    store.hold('c1', {
      images: [child.configDigest as Digest],
      snapshots: store.resolve('example/child:1').image.chainIds.slice(-1),
    });
    const held = store.df();
    assert.equal(held.reclaimable, held.images.find((i) => i.id === base.configDigest)!.uniqueSize);
  });

  it('cleans what a crash left (temp files, half snapshots) but keeps resumable downloads', () => {
    const root = store.root;
    writeFileSync(join(root, 'ingest', '.put-123-abc'), 'half');
    writeFileSync(join(root, 'ingest', `${'a'.repeat(64)}.partial`), 'resume me');
    mkdirSync(join(root, 'snapshots', '.unpack-123-abc', 'fs'), { recursive: true });
    const reopened = Store.open(root);
    assert.deepEqual(readdirSync(join(root, 'ingest')), [`${'a'.repeat(64)}.partial`]);
    assert.ok(!existsSync(join(root, 'snapshots', '.unpack-123-abc')));
    assert.equal(reopened.images.list().length, store.images.list().length);
    reopened.gc({ partials: true });
    assert.deepEqual(readdirSync(join(root, 'ingest')), []);
  });

  it('drops snapshots of an earlier boot never confirmed on disk, and unpacks them again', async () => {
    const c = store.resolve('example/child:1').image;
    const top = c.chainIds[1];
    const metaPath = join(store.snapshots.dir, top.slice(7), 'snapshot.json');
    const meta = JSON.parse(readFileSync(metaPath, 'utf8'));
    assert.equal(meta.synced, false);
    writeFileSync(metaPath, JSON.stringify({ ...meta, bootId: 'an-earlier-boot' }));
    const base0 = join(store.snapshots.dir, c.chainIds[0].slice(7), 'snapshot.json');
    const baseMeta = JSON.parse(readFileSync(base0, 'utf8'));
    writeFileSync(
      base0,
      JSON.stringify({ ...baseMeta, created: new Date(Date.now() - 60_000).toISOString() }),
    );
    const reopened = Store.open(store.root);
    assert.ok(!reopened.snapshots.has(top), 'the unconfirmed snapshot of another boot is gone');
    assert.equal(
      reopened.snapshots.get(c.chainIds[0])?.synced,
      true,
      'an old one of this boot was confirmed',
    );
    await reopened.ensureSnapshots(reopened.resolve('example/child:1').image);
    assert.ok(reopened.snapshots.has(top));
  });

  it('confirms snapshots with a syncfs at most once every ten minutes, not on every open', () => {
    const c = store.resolve('example/child:1').image;
    const agedUnconfirmed = (chainId: Digest) => {
      const path = join(store.snapshots.dir, chainId.slice(7), 'snapshot.json');
      const meta = JSON.parse(readFileSync(path, 'utf8'));
      writeFileSync(
        path,
        JSON.stringify({ ...meta, synced: false, created: new Date(Date.now() - 60_000).toISOString() }),
      );
    };
    agedUnconfirmed(c.chainIds[0]);
    assert.equal(Store.open(store.root).snapshots.get(c.chainIds[0])?.synced, true, 'first open confirms');
    agedUnconfirmed(c.chainIds[1]);
    assert.equal(
      Store.open(store.root).snapshots.get(c.chainIds[1])?.synced,
      false,
      'an open right after does not sync again',
    );
    const longAgo = new Date(Date.now() - 11 * 60_000);
    utimesSync(join(store.root, 'snapshots-confirmed'), longAgo, longAgo);
    assert.equal(
      Store.open(store.root).snapshots.get(c.chainIds[1])?.synced,
      true,
      'ten minutes later it does',
    );
  });

  it('never stores a blob under the wrong digest', async () => {
    const digest = `sha256:${'0'.repeat(64)}` as Digest;
    assert.throws(() => store.blobs.put(Buffer.from('x'), digest), DigestMismatchError);
    // Checked before it returns: the caller never goes on with unverified bytes.
    assert.throws(() => store.blobs.putInBackground(Buffer.from('x'), digest), DigestMismatchError);
    const writer = await store.blobs.ingest({ digest, size: 1 });
    writer.write(Buffer.from('x'));
    await assert.rejects(writer.commit(), DigestMismatchError);
    assert.ok(!store.blobs.has(digest));
    assert.deepEqual(readdirSync(store.blobs.ingestDir), []);
  });

  it('stores a blob in the background, readable under its digest once the promise resolves', async () => {
    const data = Buffer.from('{"background":true}');
    const digest = await store.blobs.putInBackground(data);
    assert.deepEqual(store.blobs.read(digest), data);
    assert.equal(await store.blobs.putInBackground(data, digest), digest, 'a second put finds it stored');
    assert.deepEqual(readdirSync(store.blobs.ingestDir), []);
  });
});
