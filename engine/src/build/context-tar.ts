// A build whose context arrives as a tar stream (Docker's POST /build body: plain, gzip or zstd;
// the client has already applied .dockerignore), reported as the classic JSON stream. The daemon's
// route is then: parse the query, call buildFromContextTar, write each message.
//
// The tar is unpacked with the store's safe layer unpacker (nothing escapes the directory) into a
// temporary directory on the store's file system, removed when the build ends. Big files are hashed
// as they arrive but their content stays in memory (up to a budget), written only once a step has to
// run: a fully cached rebuild never writes its context's big files to disk.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import type { Digest } from '../oci/digest';
import { withSniffedCompression } from '../store/layers/compression';
import { type HeldFile, unpackLayer } from '../store/layers/unpack';
import { buildImage, type BuildDependencies, type BuildResult } from './builder';
import { FileDigests } from './context/file-digests';
import { BuildError } from './errors';
import type { BuildRequest } from './options';
import { classicStream, type ClassicMessage } from './progress/classic-stream';

export type ContextTarRequest = Omit<BuildRequest, 'contextDir' | 'dockerfile'> & {
  /** The Dockerfile's path inside the context (the /build `dockerfile` parameter). */
  dockerfile?: string;
};

/** Files from this size on are held in memory, until the budget is spent. */
const holdFromBytes = 64 * 1024;
const holdBudgetBytes = 64 * 1024 * 1024;
const holdMaxFiles = 256;

/** Context files whose content is still in memory (see UnpackOptions.holdContent). */
class HeldContent {
  private files: HeldFile[] = [];
  private bytes = 0;

  constructor(
    /** Files the builder reads before any step runs (the Dockerfile, ignore files) are written at once. */
    private readonly readEarly: (rel: string) => boolean,
    private readonly digests: FileDigests,
  ) {}

  wants(rel: string, size: number): boolean {
    if (size < holdFromBytes || this.readEarly(rel)) return false;
    if (this.files.length >= holdMaxFiles || this.bytes + size > holdBudgetBytes) return false;
    this.bytes += size;
    return true;
  }

  held(file: HeldFile): void {
    this.files.push(file);
  }

  /** Writes every held file's content (with its times again) and closes it. */
  writeAll(): void {
    const files = this.files;
    this.files = [];
    for (const f of files) {
      try {
        let pos = 0;
        for (const chunk of f.chunks) {
          let off = 0;
          while (off < chunk.length) off += fs.writeSync(f.fd, chunk, off, chunk.length - off, pos + off);
          pos += chunk.length;
        }
        fs.futimesSync(f.fd, f.atime, f.mtime);
        // Its ctime moved: remember the digest under the file's new identity.
        this.digests.reseed(f.abs, fs.fstatSync(f.fd, { bigint: true }));
      } finally {
        fs.closeSync(f.fd);
      }
    }
  }

  discard(): void {
    for (const f of this.files) fs.closeSync(f.fd);
    this.files = [];
  }
}

export async function buildFromContextTar(
  tar: Readable,
  request: ContextTarRequest,
  deps: BuildDependencies,
  send: (message: ClassicMessage) => void,
): Promise<BuildResult> {
  const dir = join(deps.store.root, 'build', 'contexts', `${process.pid}-${randomBytes(6).toString('hex')}`);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    const { stream, compression } = await withSniffedCompression(tar);
    const dockerfile = request.dockerfile ?? 'Dockerfile';
    const dockerfileRel = posix.normalize(`/${dockerfile}`).slice(1);
    // Files are hashed as they arrive, so the build does not read them again for its cache keys.
    const written = new Map<string, Digest>();
    const contextDigests = new FileDigests();
    const held = new HeldContent(
      (rel) => rel === dockerfileRel || rel.endsWith('.dockerignore'),
      contextDigests,
    );
    try {
      try {
        await unpackLayer(stream, compression, dir, {
          calls: deps.store.calls,
          asRoot: deps.store.snapshots.asRoot,
          whiteouts: 'oci',
          diffId: false,
          onFileDigest: (abs, digest) => written.set(abs, digest),
          holdContent: held,
        });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOSPC') {
          throw new BuildError(
            `no space left on device for the build context in ${deps.store.root}: free space (docker system prune) and retry`,
          );
        }
        throw new BuildError(`the build context is not a valid tar archive: ${(err as Error).message}`);
      }
      for (const [abs, digest] of written)
        contextDigests.seed(abs, fs.lstatSync(abs, { bigint: true }), digest);
      const events = classicStream(send);
      return await buildImage(
        // The Dockerfile is looked up inside the context, `..` or not.
        {
          ...request,
          contextDir: dir,
          temporaryContext: true,
          dockerfile: join(dir, dockerfileRel),
        },
        {
          ...deps,
          contextDigests,
          writeContext: () => {
            try {
              held.writeAll();
            } catch (err) {
              if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
              throw new BuildError(
                `no space left on device for the build context in ${deps.store.root}: free space (docker system prune) and retry`,
              );
            }
          },
          onEvent: (e) => {
            events(e);
            deps.onEvent?.(e);
          },
        },
      );
    } finally {
      held.discard();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
