import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Digest } from '../../../engine/src/oci/digest';
import { EventBus } from '../../../engine/src/daemon/events';
import { ImageService } from '../../../engine/src/daemon/images';
import { loadImages } from '../../../engine/src/store/archive/load';
import { Store } from '../../../engine/src/store/store';
import { listImageSummaries } from '../../../engine/src/store/views';
import { makeOciLayout } from '../../helpers/busybox-image';

describe('berthd image prune', () => {
  let work: string;
  let store: Store;
  let imageId: Digest;

  beforeEach(async () => {
    work = mkdtempSync(join(tmpdir(), 'berth-prune-'));
    const layer = join(work, 'layer');
    mkdirSync(layer);
    writeFileSync(join(layer, 'f.txt'), 'a layer');
    const layout = makeOciLayout(join(work, 'img'), [layer], { tag: 'held' });
    const tar = join(work, 'img.tar');
    execFileSync('tar', ['-C', layout.layoutDir, '-cf', tar, '.']);
    store = Store.open(join(work, 'root'));
    await loadImages(store, createReadStream(tar));
    store.tag(layout.configDigest, 'example/held:1');
    imageId = layout.configDigest as Digest;
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  const service = (containers = 0) => new ImageService(store, [], new EventBus(), () => containers);

  it('keeps the names of an image a build holds (prune -a)', () => {
    store.hold('build:test', { images: [imageId] });
    const result = service().prune({ dangling: ['false'] });
    assert.deepEqual(result.ImagesDeleted, []);
    assert.deepEqual(listImageSummaries(store)[0]?.RepoTags, ['example/held:1'], 'still tagged');
    store.release('build:test');
    const after = service().prune({ dangling: ['false'] });
    assert.deepEqual(after.ImagesDeleted.map((d) => Object.keys(d)[0]).sort(), ['Deleted', 'Untagged']);
    assert.equal(listImageSummaries(store).length, 0);
  });

  it('keeps an image a container uses, and one a label filter leaves out', () => {
    assert.deepEqual(service(1).prune({ dangling: ['false'] }).ImagesDeleted, []);
    assert.deepEqual(service().prune({ dangling: ['false'], label: ['nope=1'] }).ImagesDeleted, []);
    assert.equal(listImageSummaries(store).length, 1);
  });
});
