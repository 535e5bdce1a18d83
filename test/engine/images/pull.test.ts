import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseReference } from '../../../engine/src/oci/reference';
import { RegistryClient } from '../../../engine/src/registry/client';
import { pullImage } from '../../../engine/src/registry/pull';
import { Store } from '../../../engine/src/store/store';
import { type LayoutImage, makeBusyboxLayout, skopeoPush } from '../../helpers/busybox-image';
import { haveBusybox } from '../../helpers/busybox-rootfs';
import { haveRegistry, startRegistry, type TestRegistry } from '../../helpers/registry';

describe('pull from a real registry', function () {
  let registry: TestRegistry;
  let work: string;
  let image: LayoutImage;

  before(async function () {
    if (!haveRegistry() || !haveBusybox()) {
      console.log('skip: needs docker-registry and busybox-static (see .ci/setup)');
      this.skip();
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
});
