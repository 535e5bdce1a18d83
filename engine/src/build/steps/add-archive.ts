// ADD of a local tar archive (plain, gzip, bzip2, xz or zstd): unpacked into the destination
// directory instead of copied. The archive is unpacked with the store's safe layer unpacker into a
// staging directory first (no entry can escape it), then copied into the rootfs like any tree.
// Entries keep the archive's owners; --chown owns the destination directories ADD creates (what
// BuildKit does).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { decompress } from '../../store/layers/compression';
import { unpackLayer } from '../../store/layers/unpack';
import type { Store } from '../../store/store';
import { copyIntoRootfs } from '../copy-files';
import type { Owner } from '../rootfs-paths';
import { StepRootfs } from '../step-rootfs';

export type ArchiveKind = 'tar' | 'gzip' | 'bzip2' | 'xz' | 'zstd';

function compressionOf(head: Buffer): ArchiveKind {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) return 'bzip2';
  if (head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'tar';
}

function open(path: string, kind: ArchiveKind): Readable {
  const source = fs.createReadStream(path);
  switch (kind) {
    case 'tar':
      return source;
    case 'gzip':
      return source.pipe(zlib.createGunzip());
    case 'zstd':
      return decompress(source, 'zstd');
    case 'bzip2':
      return viaCommand(source, 'bzip2', ['-dc']);
    case 'xz':
      return viaCommand(source, 'xz', ['-dc']);
  }
}

function viaCommand(source: Readable, command: string, args: string[]): Readable {
  const out = new PassThrough();
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'ignore'] });
  child.on('error', (err) => out.destroy(new Error(`cannot unpack a ${command} archive: ${err.message}`)));
  child.stdin.on('error', () => {});
  source.pipe(child.stdin);
  child.stdout.pipe(out);
  return out;
}

/** A tar header: 512 bytes whose checksum field matches (Go's archive/tar accepts the file). */
function isTarHeader(block: Buffer): boolean {
  if (block.length < 512) return false;
  const field = block
    .subarray(148, 156)
    .toString('latin1')
    .replace(/[\0 ]+$/, '')
    .trim();
  if (!/^[0-7]+$/.test(field)) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i];
  return sum === parseInt(field, 8);
}

/** What kind of archive `path` is, or undefined when it is not one ADD unpacks. */
export async function archiveKind(path: string): Promise<ArchiveKind | undefined> {
  const fd = fs.openSync(path, 'r');
  const head = Buffer.alloc(8);
  try {
    fs.readSync(fd, head, 0, 8, 0);
  } finally {
    fs.closeSync(fd);
  }
  const kind = compressionOf(head);
  const stream = open(path, kind);
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= 512) break;
    }
  } catch {
    return undefined;
  } finally {
    stream.destroy();
  }
  return isTarHeader(Buffer.concat(chunks)) ? kind : undefined;
}

export async function extractArchive(
  store: Store,
  archive: string,
  kind: ArchiveKind,
  rootfs: string,
  dest: string,
  owner: Owner | undefined,
  mode: number | undefined,
): Promise<void> {
  const staging = StepRootfs.scratchDir(store);
  try {
    await unpackLayer(open(archive, kind), 'none', staging, {
      calls: store.calls,
      asRoot: store.snapshots.asRoot,
      whiteouts: 'oci',
    });
    copyIntoRootfs(rootfs, dest.endsWith('/') ? dest : `${dest}/`, [{ hostPath: staging, name: '' }], [], {
      ...(owner && { owner }),
      keepOwners: true,
      ...(mode !== undefined && { mode }),
      destIsDir: true,
    });
  } finally {
    fs.rmSync(join(staging, '..'), { recursive: true, force: true });
  }
}
