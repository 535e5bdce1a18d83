// Image records: a normalised reference (`docker.io/library/busybox:latest`, or `repo@sha256:…` for
// an image pulled by digest) → the descriptor of its manifest or index. Kept in <root>/images.json,
// rewritten atomically under the store lock.
import { join } from 'node:path';
import type { Descriptor } from '../oci/image-spec';
import { readJsonFile, writeFileAtomic } from './atomic';
import { withLock } from './lock';

export interface ImageRecord {
  /** Normalised reference: `docker.io/library/busybox:latest` or `docker.io/library/busybox@sha256:…`. */
  name: string;
  /** The manifest or index the name points at. */
  target: Descriptor;
  /** When the name was set (pull, tag, load, build), ISO 8601. */
  created: string;
}

interface ImagesFile {
  schemaVersion: 1;
  images: Record<string, Omit<ImageRecord, 'name'>>;
}

export class ImageRecords {
  private readonly file: string;
  private readonly lockFile: string;

  constructor(root: string) {
    this.file = join(root, 'images.json');
    this.lockFile = join(root, 'images.lock');
  }

  list(): ImageRecord[] {
    const data = this.load();
    return Object.entries(data.images).map(([name, r]) => ({ name, ...r }));
  }

  get(name: string): ImageRecord | undefined {
    const r = this.load().images[name];
    return r ? { name, ...r } : undefined;
  }

  /** Points `name` at `target`; returns the record it replaced, if any. */
  set(name: string, target: Descriptor): ImageRecord | undefined {
    return this.setMany([name], target)[0];
  }

  /** Points every name at `target` in one write; returns the records replaced. */
  setMany(names: string[], target: Descriptor): (ImageRecord | undefined)[] {
    return this.update((images) =>
      names.map((name) => {
        const previous = images[name];
        images[name] = {
          target: { mediaType: target.mediaType, digest: target.digest, size: target.size },
          created: new Date().toISOString(),
        };
        return previous ? { name, ...previous } : undefined;
      }),
    );
  }

  delete(name: string): boolean {
    return this.update((images) => {
      if (!(name in images)) return false;
      delete images[name];
      return true;
    });
  }

  private load(): ImagesFile {
    const data = readJsonFile<ImagesFile>(this.file, { schemaVersion: 1, images: {} });
    if (data.schemaVersion !== 1 || typeof data.images !== 'object') {
      throw new Error(
        `${this.file} has an unknown format (schemaVersion ${String(data.schemaVersion)}); was it written by a newer Berth?`,
      );
    }
    return data;
  }

  private update<T>(fn: (images: ImagesFile['images']) => T): T {
    return withLock(this.lockFile, () => {
      const data = this.load();
      const result = fn(data.images);
      writeFileAtomic(this.file, JSON.stringify(data, null, 1));
      return result;
    });
  }
}
