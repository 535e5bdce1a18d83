// Layers as root, on the real kernel: owners, modes, setuid, xattrs (binary security.capability),
// device nodes, times; overlay whiteouts made on unpack work in a real overlayfs mount and turn
// back into OCI whiteouts on pack; GNU tar's own archives unpack the same.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { linuxFileCalls } from '../../../engine/src/runtime/linux/fs';
import { packLayer } from '../../../engine/src/store/layers/pack';
import { unpackLayer } from '../../../engine/src/store/layers/unpack';
import { tarDirectory } from '../../helpers/busybox-image';
import { skipBecause } from '../../helpers/skip';

const calls = linuxFileCalls;

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('layers as root', function () {
  let work: string;

  before(function () {
    if (process.getuid?.() !== 0) {
      skipBecause(this, 'needs root (owners, devices, trusted.* xattrs, overlayfs)');
    }
  });
  beforeEach(() => (work = fs.mkdtempSync(join(tmpdir(), 'berth-layers-'))));
  afterEach(() => {
    try {
      execFileSync('umount', [join(work, 'merged')], { stdio: 'ignore' });
    } catch {
      // not mounted
    }
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('keeps owners, modes, setuid, xattrs, devices and times through GNU tar → unpack', async () => {
    const src = join(work, 'src');
    fs.mkdirSync(join(src, 'usr/bin'), { recursive: true });
    fs.mkdirSync(join(src, 'dev'));
    fs.writeFileSync(join(src, 'usr/bin/ping'), 'binary');
    fs.chownSync(join(src, 'usr/bin/ping'), 1000, 2000);
    fs.chmodSync(join(src, 'usr/bin/ping'), 0o4755);
    calls.lsetxattr(join(src, 'usr/bin/ping'), 'user.berth', Buffer.from('note'));
    // security.capability: cap_net_raw+ep, binary (version 2 header + masks).
    const cap = Buffer.from('0000000201200000000000000000000000000000', 'hex');
    calls.lsetxattr(join(src, 'usr/bin/ping'), 'security.capability', cap);
    calls.mknod(join(src, 'dev/null'), 'char', 0o666, 1, 3);
    fs.utimesSync(join(src, 'usr/bin/ping'), new Date(1_600_000_000_000), new Date(1_600_000_000_000));
    const tar = execFileSync(
      'tar',
      ['--xattrs', '--xattrs-include=*', '--numeric-owner', '-C', src, '-cf', '-', '.'],
      { maxBuffer: 1 << 26 },
    );
    const dest = join(work, 'dest');
    fs.mkdirSync(dest);
    await unpackLayer(Readable.from([tar]), 'none', dest, { calls, asRoot: true, whiteouts: 'overlay' });
    const st = fs.statSync(join(dest, 'usr/bin/ping'));
    assert.equal(st.uid, 1000);
    assert.equal(st.gid, 2000);
    assert.equal(st.mode & 0o7777, 0o4755, 'setuid survives the chown');
    assert.equal(st.mtime.getTime(), 1_600_000_000_000);
    assert.deepEqual(calls.lgetxattr(join(dest, 'usr/bin/ping'), 'security.capability'), cap);
    assert.equal(calls.lgetxattr(join(dest, 'usr/bin/ping'), 'user.berth')?.toString(), 'note');
    const dev = fs.statSync(join(dest, 'dev/null'));
    assert.ok(dev.isCharacterDevice());
    assert.equal(dev.rdev, fs.statSync('/dev/null').rdev);
  });

  it('makes overlay whiteouts that overlayfs honours, and packs them back as .wh. entries', async () => {
    const lower = join(work, 'lower');
    fs.mkdirSync(join(lower, 'etc'), { recursive: true });
    fs.mkdirSync(join(lower, 'var/cache'), { recursive: true });
    fs.writeFileSync(join(lower, 'etc/passwd'), 'root');
    fs.writeFileSync(join(lower, 'etc/keep'), 'kept');
    fs.writeFileSync(join(lower, 'var/cache/old'), 'old');
    const upperTar = makeWhiteoutTar(work);
    const lowerSnap = join(work, 'snap-lower');
    const upperSnap = join(work, 'snap-upper');
    fs.mkdirSync(lowerSnap);
    fs.mkdirSync(upperSnap);
    await unpackLayer(Readable.from([tarDirectory(lower)]), 'none', lowerSnap, {
      calls,
      asRoot: true,
      whiteouts: 'overlay',
    });
    await unpackLayer(Readable.from([upperTar]), 'none', upperSnap, {
      calls,
      asRoot: true,
      whiteouts: 'overlay',
    });
    const wh = fs.lstatSync(join(upperSnap, 'etc/passwd'));
    assert.ok(wh.isCharacterDevice() && wh.rdev === 0, 'a 0/0 character device');
    assert.equal(calls.lgetxattr(join(upperSnap, 'var/cache'), 'trusted.overlay.opaque')?.toString(), 'y');

    const merged = join(work, 'merged');
    fs.mkdirSync(merged);
    execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${upperSnap}:${lowerSnap}`, merged]);
    assert.deepEqual(fs.readdirSync(join(merged, 'etc')).sort(), ['keep']);
    assert.deepEqual(fs.readdirSync(join(merged, 'var/cache')).sort(), ['new']);
    execFileSync('umount', [merged]);

    const packed = await collect(packLayer(upperSnap, { calls, whiteouts: 'overlay' }));
    const names = execFileSync('tar', ['-tf', '-'], { input: packed, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    assert.deepEqual(
      names.sort(),
      ['etc/', 'etc/.wh.passwd', 'var/', 'var/cache/', 'var/cache/.wh..wh..opq', 'var/cache/new'].sort(),
    );
  });
});

/** A layer deleting etc/passwd and replacing var/cache's content, built by GNU tar from OCI-form files. */
function makeWhiteoutTar(work: string): Buffer {
  const dir = join(work, 'oci-form');
  fs.mkdirSync(join(dir, 'etc'), { recursive: true });
  fs.mkdirSync(join(dir, 'var/cache'), { recursive: true });
  fs.writeFileSync(join(dir, 'etc/.wh.passwd'), '');
  fs.writeFileSync(join(dir, 'var/cache/.wh..wh..opq'), '');
  fs.writeFileSync(join(dir, 'var/cache/new'), 'new');
  return tarDirectory(dir);
}
