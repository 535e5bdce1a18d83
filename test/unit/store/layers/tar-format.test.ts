import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Header } from 'tar';
import { decodeHeader } from '../../../../engine/src/store/layers/tar-format';

/** What `tar`'s Header decodes from a block, in decodeHeader's shape. */
function tarDecodes(block: Buffer) {
  const h = new Header(block);
  return {
    path: h.path,
    mode: h.mode,
    uid: h.uid,
    gid: h.gid,
    size: h.size,
    mtime: h.mtime,
    atime: h.atime,
    linkpath: h.linkpath,
    uname: h.uname,
    gname: h.gname,
    devmaj: h.devmaj,
    devmin: h.devmin,
    cksumValid: h.cksumValid,
  };
}

function encoded(fields: ConstructorParameters<typeof Header>[0]): Buffer {
  const block = Buffer.alloc(512);
  new Header(fields).encode(block, 0);
  return block;
}

/** Rewrites a block's checksum after an edit, as an archiver would have written it. */
function resum(block: Buffer): Buffer {
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of block) sum += b;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

function sameAsTar(block: Buffer, what: string): void {
  const ours = decodeHeader(block) as unknown as Record<string, unknown>;
  const theirs = tarDecodes(block) as Record<string, unknown>;
  for (const key of Object.keys(theirs)) {
    assert.deepEqual(ours[key], theirs[key], `${what}: ${key}`);
  }
}

describe('tar header decoding', () => {
  const mtime = new Date(1_700_000_000_000);

  it('decodes every field as the tar package does, for the headers archivers write', () => {
    const cases: [string, ConstructorParameters<typeof Header>[0]][] = [
      ['a file', { path: 'etc/passwd', mode: 0o644, uid: 0, gid: 0, size: 1234, mtime, type: 'File' }],
      [
        'a symlink',
        {
          path: 'bin/sh',
          mode: 0o777,
          uid: 1,
          gid: 2,
          mtime,
          type: 'SymbolicLink',
          linkpath: '/bin/busybox',
        },
      ],
      ['a directory', { path: 'usr/lib/', mode: 0o755, uid: 0, gid: 0, mtime, type: 'Directory' }],
      ['a device', { path: 'dev/null', mode: 0o666, mtime, type: 'CharacterDevice', devmaj: 1, devmin: 3 }],
      [
        'owner names',
        {
          path: 'home/u/f',
          mode: 0o600,
          uid: 1000,
          gid: 1000,
          uname: 'u',
          gname: 'staff',
          mtime,
          type: 'File',
        },
      ],
      [
        'a long name in the prefix',
        { path: `${'d'.repeat(120)}/${'f'.repeat(90)}`, mode: 0o644, mtime, type: 'File' },
      ],
      ['a non-ASCII name', { path: 'usr/share/caf\u00e9', mode: 0o644, mtime, type: 'File' }],
      ['an atime', { path: 'a', mode: 0o644, mtime, atime: new Date(1_600_000_000_000), type: 'File' }],
      ['a big owner (base-256)', { path: 'big', mode: 0o644, uid: 2 ** 40, gid: 3, mtime, type: 'File' }],
      ['a big size (base-256)', { path: 'huge', mode: 0o644, size: 2 ** 36 + 5, mtime, type: 'File' }],
      [
        'a negative time (base-256)',
        { path: 'old', mode: 0o644, mtime: new Date(-86_400_000 * 365), type: 'File' },
      ],
    ];
    for (const [what, fields] of cases) sameAsTar(encoded(fields), what);
  });

  it('treats odd and hostile blocks as the tar package does', () => {
    const file = () => encoded({ path: 'x/y', mode: 0o644, size: 700, mtime, type: 'File' });
    const edits: [string, (b: Buffer) => Buffer][] = [
      ['a bad checksum', (b) => ((b[0] ^= 1), b)],
      ['no checksum', (b) => b.fill(0, 148, 156)],
      ['a directory with a size', (b) => resum((b.write('5', 156, 'latin1'), b))],
      ['a regular file named like a directory', (b) => resum((b.write('dir/\0', 0, 'latin1'), b))],
      ['a NUL type flag', (b) => resum(((b[156] = 0), b))],
      ['GNU magic (no ustar fields)', (b) => resum((b.write('ustar  \0', 257, 'latin1'), b))],
      ['no magic', (b) => resum(b.fill(0, 257, 265))],
      ['a 155-byte prefix', (b) => resum((b.fill(0x70, 345, 500), b))],
      ['numbers padded with spaces', (b) => resum((b.write('  0644 \0', 100, 'latin1'), b))],
      ['a signed number', (b) => resum((b.write('-000017\0', 108, 'latin1'), b))],
      ['a number without digits', (b) => resum((b.write('  \0\0\0\0\0\0', 116, 'latin1'), b))],
      ['a negative size (base-256)', (b) => resum((b.fill(0xff, 124, 136), b))],
      ['garbage after a NUL', (b) => resum((b.write('x\0garbage', 0, 'latin1'), b))],
    ];
    for (const [what, edit] of edits) sameAsTar(edit(file()), what);
    for (let i = 0; i < 200; i++) {
      const block = randomBytes(512);
      // Line breaks after a NUL are where the two differ on purpose (see the next test).
      for (let j = 0; j < 512; j++) if (block[j] === 0x0a || block[j] === 0x0d) block[j] = 0x41;
      block[124] &= 0x7f; // a base-256 number beyond 2^53 is an error in both; see below
      block[100] &= 0x7f;
      block[108] &= 0x7f;
      block[116] &= 0x7f;
      block[136] &= 0x7f;
      block[148] &= 0x7f;
      block[329] &= 0x7f;
      block[337] &= 0x7f;
      block[476] &= 0x7f;
      block[488] &= 0x7f;
      sameAsTar(block, `random block ${block.toString('hex')}`);
    }
  });

  it('sums any bytes right: all 0xff, random, and a header inside a larger buffer at an odd offset', () => {
    const blocks = [Buffer.alloc(512, 0xff), ...Array.from({ length: 100 }, () => randomBytes(512))];
    for (const block of blocks) {
      // Numeric fields that start with a high bit other than base-256's are errors, not sums.
      for (const at of [100, 108, 116, 124, 136, 329, 337, 476, 488]) block[at] &= 0x7f;
      resum(block);
      const inside = Buffer.alloc(1024 + 3);
      block.copy(inside, 3);
      for (const b of [block, inside.subarray(3)]) {
        assert.equal(decodeHeader(b).cksumValid, true, `its own sum: ${b.toString('hex')}`);
        assert.equal(new Header(b).cksumValid, true);
      }
      block[300] ^= 0x01;
      assert.equal(decodeHeader(block).cksumValid, false, `one bit changed: ${block.toString('hex')}`);
    }
  });

  it('ends a string at its first NUL, where tar keeps what follows a line break after it', () => {
    const b = encoded({ path: 'x', mode: 0o644, mtime, type: 'File' });
    b.write('a\0junk\nmore', 0, 'latin1');
    resum(b);
    assert.equal(decodeHeader(b).path, 'a');
    assert.match(new Header(b).path ?? '', /^a\nmore/);
  });

  it('refuses a base-256 number beyond 2^53, as the tar package does', () => {
    const b = encoded({ path: 'x', mode: 0o644, mtime, type: 'File' });
    b.fill(0xff, 125, 136);
    b[124] = 0x80;
    assert.throws(() => new Header(b), /safe integer/);
    assert.throws(() => decodeHeader(b), /safe integer/);
  });
});
