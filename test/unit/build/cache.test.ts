import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuildCache, cacheKey, type LayerRef } from '../../../engine/src/build/cache';
import { MediaType } from '../../../engine/src/oci/media-types';
import { Store } from '../../../engine/src/store/store';

describe('build cache', () => {
  let root: string;
  let store: Store;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'berth-cache-'));
    store = Store.open(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('keys a step by its parent and its description, nothing else', () => {
    const run = { op: 'run', args: ['/bin/sh', '-c', 'make'], env: ['A=1'] };
    assert.equal(cacheKey('parent', run), cacheKey('parent', { ...run }));
    assert.notEqual(cacheKey('parent', run), cacheKey('other', run));
    assert.notEqual(cacheKey('parent', run), cacheKey('parent', { ...run, env: ['A=2'] }));
    assert.match(cacheKey('', {}), /^[0-9a-f]{64}$/);
  });

  it('returns a record only while the store still has its layer, and keeps the layer from GC', () => {
    const cache = new BuildCache(store);
    const blob = store.blobs.put(Buffer.alloc(1024));
    const layer: LayerRef = {
      blob: { mediaType: MediaType.ociLayer, digest: blob, size: 1024 },
      diffId: blob,
      chainId: blob,
    };
    cache.putStep('k1', { layer, created: 'T' });
    assert.equal(cache.step('k1'), undefined, 'no snapshot yet: a miss');
    assert.deepEqual(store.holds()['build-cache'], { snapshots: [blob], blobs: [blob] });
    store.gc();
    assert.ok(store.blobs.has(blob), 'held by the cache');
    const pruned = cache.prune();
    assert.deepEqual(pruned.keys, ['step-k1']);
    assert.ok(!store.blobs.has(blob), 'collected once pruned');
  });
});
