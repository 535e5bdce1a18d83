// Layer (de)compression: gzip through zlib; zstd through zlib where Node has it (22.15+), otherwise
// through the `zstd` command when it is installed (Node 20's zlib has no zstd).
import type * as ChildProcess from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { PassThrough, type Readable, type Transform } from 'node:stream';
import * as zlib from 'node:zlib';
import type { LayerCompression } from '../../oci/media-types';

type ZlibWithZstd = typeof zlib & {
  createZstdDecompress?: () => Transform;
  createZstdCompress?: () => Transform;
};

/** gzip and zstd magic numbers, to detect compression when a media type does not say it. */
export function sniffCompression(head: Uint8Array): LayerCompression {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

/**
 * Reads a stream's first bytes to tell its compression (for a tarball a request body brings, whose
 * media type nobody declared), then hands on the whole stream. `empty`: it had no bytes at all.
 */
export async function withSniffedCompression(
  source: Readable,
): Promise<{ stream: Readable; compression: LayerCompression; empty: boolean }> {
  const head: Buffer[] = [];
  let bytes = 0;
  await new Promise<void>((resolve, reject) => {
    const done = () => {
      source.off('readable', onReadable);
      source.off('end', done);
      source.off('error', reject);
      resolve();
    };
    const onReadable = () => {
      let chunk: Buffer | null;
      while (bytes < 4 && (chunk = source.read() as Buffer | null) !== null) {
        head.push(chunk);
        bytes += chunk.length;
      }
      if (bytes >= 4) done();
    };
    source.on('readable', onReadable);
    source.on('end', done);
    source.on('error', reject);
    if (source.readableEnded) done(); // nothing more will come, nor any event to say so
  });
  const stream = new PassThrough();
  for (const chunk of head) stream.write(chunk);
  if (source.readableEnded) stream.end();
  else {
    source.on('error', (err) => stream.destroy(err));
    source.pipe(stream);
  }
  return { stream, compression: sniffCompression(Buffer.concat(head)), empty: bytes === 0 };
}

export function decompress(source: Readable, compression: LayerCompression): Readable {
  if (compression === 'none') return source;
  if (compression === 'gzip') return pipeWithErrors(source, zlib.createGunzip({ chunkSize: 1024 * 1024 }));
  const z = zlib as ZlibWithZstd;
  if (z.createZstdDecompress) return pipeWithErrors(source, z.createZstdDecompress());
  return viaCommand(source, 'zstd', ['-d', '-c', '-q']);
}

export function compress(source: Readable, compression: LayerCompression): Readable {
  if (compression === 'none') return source;
  if (compression === 'gzip')
    return pipeWithErrors(source, zlib.createGzip({ level: 6, chunkSize: 256 * 1024 }));
  const z = zlib as ZlibWithZstd;
  if (z.createZstdCompress) return pipeWithErrors(source, z.createZstdCompress());
  return viaCommand(source, 'zstd', ['-c', '-q', '-3']);
}

function pipeWithErrors(source: Readable, transform: Transform): Readable {
  source.on('error', (err) => transform.destroy(err));
  return source.pipe(transform);
}

function findCommand(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(delimiter)) {
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

function viaCommand(source: Readable, name: string, args: string[]): Readable {
  const command = findCommand(name);
  const out = new PassThrough();
  if (!command) {
    queueMicrotask(() =>
      out.destroy(
        new Error(
          `this layer is zstd-compressed: Node.js ${process.versions.node} has no zstd support and the ` +
            '`zstd` command is not installed; install it (apt-get install zstd) or use Node.js 22.15 or newer',
        ),
      ),
    );
    return out;
  }
  // Loaded here only: a gzip layer (most of them) never needs node:child_process.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { spawn } = require('node:child_process') as typeof ChildProcess;
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  source.on('error', (err) => {
    child.kill();
    out.destroy(err);
  });
  child.stdin.on('error', () => {}); // the exit status reports the failure
  source.pipe(child.stdin);
  child.stdout.pipe(out, { end: false });
  child.on('close', (code) => {
    if (code === 0) out.end();
    else out.destroy(new Error(`${name} failed (exit ${code}): ${stderr.trim() || 'corrupt data'}`));
  });
  out.on('close', () => child.kill());
  return out;
}
