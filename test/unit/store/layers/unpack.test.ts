import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import type { FileCalls } from '../../../../engine/src/runtime/linux/fs';
import { packLayer } from '../../../../engine/src/store/layers/pack';
import { TarFormatError } from '../../../../engine/src/store/layers/tar-format';
import {
  type HeldFile,
  unpackLayer,
  type UnpackOptions,
  UnsafeLayerError,
} from '../../../../engine/src/store/layers/unpack';
import {
  unpackLayerInWorker,
  unpackWorkerAvailable,
  whenUnpackThreadStops,
} from '../../../../engine/src/store/layers/unpack-thread';
import { craftTar, type CraftedEntry } from './crafted-tar';
import { skipBecause } from '../../../helpers/skip';

/** Records mknod/xattr calls instead of making them (no root needed); xattrs are kept in memory. */
class RecordingCalls implements FileCalls {
  mknods: { path: string; type: string; major: number; minor: number }[] = [];
  xattrs = new Map<string, Map<string, Buffer>>();
  mknod(path: string, type: 'char' | 'block' | 'fifo', _mode: number, major: number, minor: number): void {
    this.mknods.push({ path, type, major, minor });
    fs.writeFileSync(path, ''); // a placeholder so later lstat calls see something
  }
  lsetxattr(path: string, name: string, value: Uint8Array): void {
    const m = this.xattrs.get(path) ?? new Map<string, Buffer>();
    m.set(name, Buffer.from(value));
    this.xattrs.set(path, m);
  }
  lgetxattr(path: string, name: string): Buffer | undefined {
    return this.xattrs.get(path)?.get(name);
  }
  llistxattr(path: string): string[] {
    return [...(this.xattrs.get(path)?.keys() ?? [])];
  }
  syncfs(): void {}
}

describe('layer unpacking', () => {
  let work: string;
  let dest: string;
  let outside: string;
  let calls: RecordingCalls;

  beforeEach(() => {
    work = fs.mkdtempSync(join(tmpdir(), 'berth-unpack-'));
    dest = join(work, 'snapshot', 'fs');
    outside = join(work, 'outside');
    fs.mkdirSync(dest, { recursive: true });
    fs.mkdirSync(outside);
    fs.writeFileSync(join(outside, 'victim'), 'original');
    calls = new RecordingCalls();
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  const options = (extra: Partial<UnpackOptions> = {}): UnpackOptions => ({
    calls,
    asRoot: false,
    whiteouts: 'oci',
    ...extra,
  });
  /** Unpacks into an empty dest, as a snapshot's fresh temp dir is. */
  const unpack = (entries: CraftedEntry[] | Buffer, extra: Partial<UnpackOptions> = {}) => {
    fs.rmSync(dest, { recursive: true, force: true });
    fs.mkdirSync(dest);
    return unpackLayer(
      Readable.from([Array.isArray(entries) ? craftTar(entries) : entries]),
      'none',
      dest,
      options(extra),
    );
  };

  /** Nothing but `snapshot/` and the untouched `outside/victim` exists in the work dir. */
  function assertNothingOutside(): void {
    assert.deepEqual(fs.readdirSync(work).sort(), ['outside', 'snapshot']);
    assert.deepEqual(fs.readdirSync(join(work, 'snapshot')), ['fs']);
    assert.deepEqual(fs.readdirSync(outside), ['victim']);
    assert.equal(fs.readFileSync(join(outside, 'victim'), 'utf8'), 'original');
    assert.ok(fs.lstatSync(join(outside, 'victim')).isFile());
  }

  it('unpacks files, directories, symlinks and hard links with their modes and times', async () => {
    const result = await unpack([
      { path: 'bin/', type: '5', mode: 0o755 },
      { path: 'bin/tool', body: 'hello', mode: 0o4755 },
      { path: 'bin/alias', type: '2', linkpath: '/bin/tool' },
      { path: 'bin/hard', type: '1', linkpath: 'bin/tool' },
      { path: './tmp/', type: '5', mode: 0o1777 },
    ]);
    assert.equal(fs.readFileSync(join(dest, 'bin/tool'), 'utf8'), 'hello');
    assert.equal(fs.statSync(join(dest, 'bin/tool')).mode & 0o7777, 0o4755);
    assert.equal(fs.readlinkSync(join(dest, 'bin/alias')), '/bin/tool');
    assert.equal(fs.statSync(join(dest, 'bin/hard')).ino, fs.statSync(join(dest, 'bin/tool')).ino);
    assert.equal(fs.statSync(join(dest, 'tmp')).mode & 0o7777, 0o1777);
    assert.equal(fs.statSync(join(dest, 'bin')).mtime.getTime(), 1_700_000_000_000);
    assert.equal(result.entries, 5);
    assert.equal(result.fileBytes, 5);
  });

  it("reports content digests, a hard link with its target's, and holds big files back when asked", async () => {
    const big = Buffer.alloc(200_000, 7);
    const digests = new Map<string, string>();
    const held: HeldFile[] = [];
    await unpack(
      [
        { path: 'big', body: big, mode: 0o640 },
        { path: 'small', body: 'tiny' },
        { path: 'twin', type: '1', linkpath: 'big' },
      ],
      {
        onFileDigest: (abs, digest) => digests.set(abs.slice(dest.length + 1), digest),
        holdContent: { wants: (_rel, size) => size > 1000, held: (f) => held.push(f) },
      },
    );
    const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
    assert.deepEqual(Object.fromEntries(digests), { big: sha(big), small: sha('tiny'), twin: sha(big) });
    assert.deepEqual(
      held.map((f) => f.abs),
      [join(dest, 'big')],
    );
    // Held: at its size and with its metadata, its content not written yet.
    const st = fs.statSync(join(dest, 'big'));
    assert.equal(st.size, big.length);
    assert.equal(st.mode & 0o7777, 0o640);
    assert.equal(st.mtime.getTime(), 1_700_000_000_000);
    assert.equal(
      fs.readFileSync(join(dest, 'big')).every((b) => b === 0),
      true,
    );
    assert.equal(fs.readFileSync(join(dest, 'small'), 'utf8'), 'tiny');
    // The holder writes it through the descriptor it got.
    const [f] = held;
    fs.writeSync(f.fd, Buffer.concat(f.chunks), 0, big.length, 0);
    fs.closeSync(f.fd);
    assert.deepEqual(fs.readFileSync(join(dest, 'twin')), big);
  });

  it('reports the diff ID of the uncompressed tar, through gzip', async () => {
    const tar = craftTar([{ path: 'a', body: 'x'.repeat(5000) }]);
    const result = await unpackLayer(Readable.from([gzipSync(tar)]), 'gzip', dest, options());
    assert.equal(result.diffId, `sha256:${createHash('sha256').update(tar).digest('hex')}`);
    assert.equal(result.tarSize, tar.length);
  });

  it('unpacks only into an empty directory (it trusts that nothing else is there)', async () => {
    fs.writeFileSync(join(dest, 'stray'), 'x');
    await assert.rejects(
      unpackLayer(Readable.from([craftTar([{ path: 'a', body: 'b' }])]), 'none', dest, options()),
      /is not empty/,
    );
  });

  it('unpacks zstd layers (zlib where Node has zstd, else the zstd command)', async function () {
    const tar = craftTar([{ path: 'z', body: 'zstd content' }]);
    let compressed: Buffer;
    try {
      compressed = execFileSync('zstd', ['-c', '-q'], { input: tar });
    } catch {
      return skipBecause(this, 'needs the zstd command (apt-get install zstd) to make the test layer');
    }
    fs.rmSync(dest, { recursive: true, force: true });
    fs.mkdirSync(dest);
    const result = await unpackLayer(Readable.from([compressed]), 'zstd', dest, options());
    assert.equal(fs.readFileSync(join(dest, 'z'), 'utf8'), 'zstd content');
    assert.equal(result.diffId, `sha256:${createHash('sha256').update(tar).digest('hex')}`);
  });

  it('refuses ".." paths', async () => {
    await assert.rejects(unpack([{ path: '../outside/victim', body: 'pwned' }]), UnsafeLayerError);
    await assert.rejects(unpack([{ path: 'a/../../outside/victim', body: 'pwned' }]), /could escape/);
    assertNothingOutside();
  });

  it('keeps absolute paths inside the snapshot', async () => {
    await unpack([{ path: `${outside}/victim`, body: 'contained' }]);
    assert.equal(fs.readFileSync(join(dest, outside, 'victim'), 'utf8'), 'contained');
    assertNothingOutside();
  });

  it('never writes through a symlink made by an earlier entry', async () => {
    await assert.rejects(
      unpack([
        { path: 'escape', type: '2', linkpath: outside },
        { path: 'escape/victim', body: 'pwned' },
      ]),
      /parent "escape" is a symlink/,
    );
    await assert.rejects(
      unpack([
        { path: 'rel', type: '2', linkpath: '../../outside' },
        { path: 'rel/new', body: 'pwned' },
      ]),
      /symlink/,
    );
    assertNothingOutside();
  });

  it('replaces a symlink by a later file instead of following it', async () => {
    await unpack([
      { path: 'victim', type: '2', linkpath: join(outside, 'victim') },
      { path: 'victim', body: 'replaced' },
    ]);
    assert.equal(fs.readFileSync(join(dest, 'victim'), 'utf8'), 'replaced');
    assert.ok(fs.lstatSync(join(dest, 'victim')).isFile());
    assertNothingOutside();
  });

  it('refuses hard links that point outside the layer or through a symlink', async () => {
    await assert.rejects(unpack([{ path: 'h', type: '1', linkpath: '../outside/victim' }]), /could escape/);
    await assert.rejects(
      unpack([{ path: 'h', type: '1', linkpath: `${outside}/victim` }]),
      /not inside this layer/,
    );
    await assert.rejects(
      unpack([
        { path: 's', type: '2', linkpath: outside },
        { path: 'h', type: '1', linkpath: 's/victim' },
      ]),
      /not inside this layer/,
    );
    // A hard link to a symlink links the symlink itself; writing the link later replaces it.
    await unpack([
      { path: 's', type: '2', linkpath: join(outside, 'victim') },
      { path: 'h', type: '1', linkpath: 's' },
      { path: 'h', body: 'replaced' },
    ]);
    assert.equal(fs.readFileSync(join(dest, 'h'), 'utf8'), 'replaced');
    assertNothingOutside();
  });

  it('skips device nodes without root and says so; makes FIFOs', async () => {
    const warnings: string[] = [];
    await unpack(
      [
        { path: 'dev/sda', type: '4', devmaj: 8, devmin: 0 },
        { path: 'dev/null', type: '3', devmaj: 1, devmin: 3 },
        { path: 'pipe', type: '6' },
      ],
      { onWarning: (w) => warnings.push(w) },
    );
    assert.equal(warnings.length, 2);
    assert.match(warnings[0], /skipped device node dev\/sda/);
    assert.deepEqual(
      calls.mknods.map((m) => m.type),
      ['fifo'],
    );
  });

  it('creates device nodes as root (through the file calls)', async () => {
    await unpack([{ path: 'dev/null', type: '3', devmaj: 1, devmin: 3 }], { asRoot: true }).catch((err) => {
      // lchown to 0 needs root; without it the call fails after mknod, which is what we check.
      if ((err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
    });
    assert.deepEqual(calls.mknods[0], { path: join(dest, 'dev/null'), type: 'char', major: 1, minor: 3 });
  });

  it('rejects giant headers and truncated archives', async () => {
    await assert.rejects(unpack([{ path: 'big', pax: { comment: 'x'.repeat(2 << 20) } }]), TarFormatError);
    await assert.rejects(unpack([{ path: 'long', type: 'L', body: 'a'.repeat((1 << 20) + 1) }]), /exceeds/);
    const truncated = craftTar([{ path: 'f', body: 'x'.repeat(1000) }], { end: false }).subarray(0, 900);
    await assert.rejects(unpack(truncated), /truncated/);
    const badChecksum = craftTar([{ path: 'f', body: 'x' }]);
    badChecksum[0] ^= 0xff;
    await assert.rejects(unpack(badChecksum), /checksum/);
  });

  it('takes long names and xattrs from pax headers, binary values intact', async () => {
    const longName = `${'d'.repeat(120)}/${'f'.repeat(120)}`;
    const cap = Buffer.from([0x01, 0x00, 0x00, 0x02, 0xff, 0x00, 0x80, 0x00]);
    await unpack([
      { path: 'placeholder', body: 'data', pax: { path: longName, 'SCHILY.xattr.user.cap': cap } },
    ]);
    assert.equal(fs.readFileSync(join(dest, longName), 'utf8'), 'data');
    assert.deepEqual(calls.xattrs.get(join(dest, longName))?.get('user.cap'), cap);
  });

  it('refuses layers that set overlayfs attributes', async () => {
    await assert.rejects(
      unpack([{ path: 'd/', type: '5', pax: { 'SCHILY.xattr.trusted.overlay.opaque': 'y' } }]),
      /overlayfs attribute/,
    );
  });

  it('keeps OCI whiteouts as files without root', async () => {
    await unpack([{ path: 'etc/.wh.passwd' }, { path: 'var/.wh..wh..opq' }, { path: '.wh..wh.plnk' }]);
    assert.ok(fs.statSync(join(dest, 'etc/.wh.passwd')).isFile());
    assert.ok(fs.statSync(join(dest, 'var/.wh..wh..opq')).isFile());
    assert.ok(!fs.existsSync(join(dest, '.wh..wh.plnk')));
  });

  it('turns OCI whiteouts into overlay whiteouts (0/0 devices, opaque xattr)', async () => {
    await unpack(
      [{ path: 'etc/.wh.passwd' }, { path: 'var/.wh..wh..opq' }, { path: 'var/keep', body: 'k' }],
      { whiteouts: 'overlay' },
    );
    assert.deepEqual(calls.mknods, [{ path: join(dest, 'etc/passwd'), type: 'char', major: 0, minor: 0 }]);
    assert.equal(calls.xattrs.get(join(dest, 'var'))?.get('trusted.overlay.opaque')?.toString(), 'y');
    assert.equal(fs.readFileSync(join(dest, 'var/keep'), 'utf8'), 'k');
    assert.ok(!fs.existsSync(join(dest, 'etc/.wh.passwd')));
  });

  it('packs the opaque xattr as an OCI marker, and a pack unpacks to the same tree', async () => {
    // (0/0 whiteout devices need root to make: test/engine/images/layers.test.ts packs real ones.)
    const src = join(work, 'src');
    fs.mkdirSync(join(src, 'etc'), { recursive: true });
    fs.mkdirSync(join(src, 'var'));
    fs.writeFileSync(join(src, 'etc/hosts'), 'h');
    fs.symlinkSync('hosts', join(src, 'etc/link'));
    fs.linkSync(join(src, 'etc/hosts'), join(src, 'etc/hard'));
    calls.lsetxattr(join(src, 'var'), 'trusted.overlay.opaque', Buffer.from('y'));
    fs.writeFileSync(join(src, 'etc/motd'), 'm');
    calls.lsetxattr(join(src, 'etc/motd'), 'user.note', Buffer.from('kept'));
    const chunks: Buffer[] = [];
    for await (const c of packLayer(src, { calls, whiteouts: 'overlay', owner: { uid: 0, gid: 0 } }))
      chunks.push(c as Buffer);
    const tar = Buffer.concat(chunks);
    calls = new RecordingCalls();
    await unpack(tar);
    assert.deepEqual(fs.readdirSync(join(dest, 'etc')).sort(), ['hard', 'hosts', 'link', 'motd']);
    assert.ok(fs.existsSync(join(dest, 'var/.wh..wh..opq')));
    assert.equal(fs.statSync(join(dest, 'etc/hard')).ino, fs.statSync(join(dest, 'etc/hosts')).ino);
    assert.equal(fs.readlinkSync(join(dest, 'etc/link')), 'hosts');
    assert.equal(calls.xattrs.get(join(dest, 'etc/motd'))?.get('user.note')?.toString(), 'kept');
    assert.equal(calls.xattrs.get(join(dest, 'var')), undefined);
  });
});

describe('layer unpacking on the worker thread', () => {
  let work: string;
  let dest: string;
  beforeEach(() => {
    work = fs.mkdtempSync(join(tmpdir(), 'berth-unpack-thread-'));
    dest = join(work, 'snapshot', 'fs');
    fs.mkdirSync(dest, { recursive: true });
    fs.mkdirSync(join(work, 'outside'));
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));
  const threadOptions = { asRoot: false, whiteouts: 'oci' as const };

  it('gives the same files and diff ID as an unpack on this thread, several layers at once', async () => {
    assert.ok(unpackWorkerAvailable(), 'the worker script is built next to unpack-thread.js');
    const entries: CraftedEntry[] = [
      { path: 'etc/', type: '5', mode: 0o755 },
      { path: 'etc/big', body: Buffer.alloc(3 << 20, 7), mode: 0o640 },
      { path: 'etc/link', type: '2', linkpath: 'big' },
      { path: 'etc/.wh.gone', body: '' },
    ];
    const tar = craftTar(entries);
    const gz = gzipSync(tar);
    const dests = [0, 1, 2].map((i) => join(work, `snapshot-${i}`));
    for (const d of dests) fs.mkdirSync(d);
    // Small chunks, so that flow control between the threads is exercised.
    const chunks = (b: Buffer) =>
      Readable.from(
        Array.from({ length: Math.ceil(b.length / 4096) }, (_, i) => b.subarray(i * 4096, (i + 1) * 4096)),
      );
    const results = await Promise.all(
      dests.map((d) => unpackLayerInWorker(chunks(gz), 'gzip', d, threadOptions)),
    );
    const expected = `sha256:${createHash('sha256').update(tar).digest('hex')}`;
    for (const [i, r] of results.entries()) {
      assert.equal(r.diffId, expected);
      assert.equal(r.tarSize, tar.length);
      const d = dests[i];
      assert.equal(fs.statSync(join(d, 'etc/big')).size, 3 << 20);
      assert.equal(fs.statSync(join(d, 'etc/big')).mode & 0o777, 0o640);
      assert.equal(fs.readlinkSync(join(d, 'etc/link')), 'big');
      assert.ok(fs.existsSync(join(d, 'etc/.wh.gone')), 'OCI whiteouts kept as files without root');
    }
  });

  it('rejects a hostile layer with the same error class, and stops writing before it settles', async () => {
    const hostile = craftTar([
      { path: 'a/', type: '5' },
      { path: 'a/escape', type: '2', linkpath: '../../outside' },
      { path: 'a/escape/victim', body: 'pwned' },
    ]);
    const tail = Buffer.alloc(20 << 20); // more bytes after the bad entry: the sender must stop
    await assert.rejects(
      unpackLayerInWorker(Readable.from([hostile, tail]), 'none', dest, threadOptions),
      (err: Error) => err instanceof UnsafeLayerError && /symlink/.test(err.message),
    );
    assert.deepEqual(fs.readdirSync(join(work, 'outside')), []);
    await assert.rejects(
      unpackLayerInWorker(
        Readable.from([Buffer.from('not a tar')]),
        'gzip',
        join(work, 'snapshot'),
        threadOptions,
      ),
      /not empty|incorrect header|unexpected end/,
    );
  });

  it("collects its garbage when idle only for a daemon: a CLI's V8 flags stay as they started", () => {
    // The collection sets V8's --expose-gc at run time, which changes the flags a code cache is
    // checked against (bin/berth's cache written after a big pull was refused at every start).
    // Whether it was set shows in a new context's `gc`. Two layers in a row: the thread handles the
    // second's start only after the first's idle step ran. A process of its own: the setting is
    // process-wide and for good.
    const layerFile = join(work, 'layer.tar.gz');
    fs.writeFileSync(layerFile, gzipSync(craftTar([{ path: 'f', body: 'x' }])));
    const thread = join(__dirname, '../../../../engine/src/store/layers/unpack-thread.js');
    const script = `
      const { unpackLayerInWorker, whenUnpackThreadStops } = require(${JSON.stringify(thread)});
      const fs = require('node:fs');
      const { Readable } = require('node:stream');
      if (process.argv[1] === 'daemon') whenUnpackThreadStops(() => {});
      const unpack = (dir) => {
        fs.mkdirSync(dir);
        const layer = Readable.from([fs.readFileSync(${JSON.stringify(layerFile)})]);
        return unpackLayerInWorker(layer, 'gzip', dir, { asRoot: false, whiteouts: 'oci' });
      };
      const base = ${JSON.stringify(work)} + '/' + process.argv[1];
      unpack(base + '-1')
        .then(() => unpack(base + '-2'))
        .then(() => process.stdout.write(require('node:vm').runInNewContext('typeof gc')));`;
    const gcAfter = (mode: string) =>
      execFileSync(process.execPath, ['-e', script, mode], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(gcAfter('cli'), 'undefined', 'a CLI pull changed V8 flags');
    assert.equal(gcAfter('daemon'), 'function', 'the daemon no longer collects when idle');
  });

  it('stops the idle thread (an idle daemon keeps no thread) and starts a fresh one for the next layer', async () => {
    const layer = () => gzipSync(craftTar([{ path: 'f', body: Buffer.alloc(1 << 20, 1) }]));
    let stops = 0;
    let stopped: () => void = () => {};
    whenUnpackThreadStops(() => {
      stops++;
      stopped();
    }, 50);
    try {
      const waitForStop = (what: string) =>
        new Promise<void>((resolve, reject) => {
          const deadline = setTimeout(
            () => reject(new Error(`the idle unpack thread did not stop ${what}`)),
            10_000,
          );
          stopped = () => {
            clearTimeout(deadline);
            resolve();
          };
        });
      let stop = waitForStop('after the first layer');
      await unpackLayerInWorker(Readable.from([layer()]), 'gzip', dest, threadOptions);
      await stop;
      assert.equal(stops, 1);
      const second = join(work, 'second');
      fs.mkdirSync(second);
      stop = waitForStop('after the second layer');
      const result = await unpackLayerInWorker(Readable.from([layer()]), 'gzip', second, threadOptions);
      assert.equal(fs.statSync(join(second, 'f')).size, 1 << 20, 'the fresh thread unpacked the layer');
      assert.equal(result.tarSize > 1 << 20, true);
      await stop;
      assert.equal(stops, 2);
    } finally {
      whenUnpackThreadStops(() => {}, 30_000);
    }
  });

  it('fails with the download error when its source fails midway, once the thread stopped writing', async () => {
    const tar = craftTar([{ path: 'f', body: Buffer.alloc(1 << 20, 1) }]);
    const source = new Readable({ read() {} });
    source.push(tar.subarray(0, 600_000));
    const done = unpackLayerInWorker(source, 'none', dest, threadOptions);
    setImmediate(() => source.destroy(new Error('connection reset')));
    await assert.rejects(done, /connection reset/);
  });
});
