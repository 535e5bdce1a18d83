import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileCalls } from '../../../../engine/src/runtime/linux/fs';
import { packLayer } from '../../../../engine/src/store/layers/pack';

/** xattrs in memory (no root needed to set user.* on every filesystem). */
function callsWith(xattrs: Map<string, Map<string, Buffer>>): FileCalls {
  return {
    mknod: () => assert.fail('packing makes no device'),
    lsetxattr: () => assert.fail('packing sets no xattr'),
    lgetxattr: (path, name) => xattrs.get(path)?.get(name),
    llistxattr: (path) => [...(xattrs.get(path)?.keys() ?? [])],
    syncfs: () => {},
  };
}

async function tarNames(dir: string, calls: FileCalls): Promise<string[]> {
  const chunks: Buffer[] = [];
  for await (const c of packLayer(dir, { calls, whiteouts: 'overlay' })) chunks.push(c as Buffer);
  const tar = join(dir, '..', 'layer.tar');
  fs.writeFileSync(tar, Buffer.concat(chunks));
  return execFileSync('tar', ['-tf', tar], { encoding: 'utf8' }).trim().split('\n');
}

describe("packing an upper dir of fuse-overlayfs (rootless Berth's fallback)", () => {
  let work: string;
  beforeEach(() => {
    work = fs.mkdtempSync(join(tmpdir(), 'berth-pack-fuse-'));
    fs.mkdirSync(join(work, 'upper/etc/app'), { recursive: true });
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  it('turns its opaque marks (a .wh..wh..opq file, user.fuseoverlayfs.opaque) into one OCI marker', async () => {
    const upper = join(work, 'upper');
    fs.writeFileSync(join(upper, 'etc/app/.wh..wh..opq'), '');
    fs.writeFileSync(join(upper, 'etc/app/conf'), 'new');
    const xattrs = new Map([
      [join(upper, 'etc/app'), new Map([['user.fuseoverlayfs.opaque', Buffer.from('y')]])],
    ]);
    const names = await tarNames(upper, callsWith(xattrs));
    assert.deepEqual(names, ['etc/', 'etc/app/', 'etc/app/.wh..wh..opq', 'etc/app/conf']);
  });

  it('an opaque mark without the xattr (a filesystem without user xattrs) still counts', async () => {
    const upper = join(work, 'upper');
    fs.writeFileSync(join(upper, 'etc/app/.wh..wh..opq'), '');
    const names = await tarNames(upper, callsWith(new Map()));
    assert.deepEqual(names, ['etc/', 'etc/app/', 'etc/app/.wh..wh..opq']);
  });

  it('never copies fuse-overlayfs attributes into a layer', async () => {
    const upper = join(work, 'upper');
    const xattrs = new Map([
      [join(upper, 'etc'), new Map([['user.fuseoverlayfs.origin', Buffer.from('x')]])],
    ]);
    const chunks: Buffer[] = [];
    for await (const c of packLayer(upper, { calls: callsWith(xattrs), whiteouts: 'overlay' }))
      chunks.push(c as Buffer);
    assert.ok(!Buffer.concat(chunks).includes('fuseoverlayfs'));
  });
});
