// The build context on the local disk, for path completion and .dockerignore: directory listings
// and small files read synchronously (local disk only; other URI schemes have no context) and
// remembered for a couple of seconds, so a burst of completion requests reads each directory once.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BuildContextFiles } from '../../engine/src/dockerfile/lint/environment';

const freshFor = 2000;
const maxEntries = 500;
const maxFileBytes = 256 * 1024;

export class DiskContextFiles implements BuildContextFiles {
  private readonly listings = new Map<string, { at: number; entries: readonly string[] | undefined }>();
  private readonly files = new Map<string, { at: number; text: string | undefined }>();

  list(directoryUri: string): readonly string[] | undefined {
    const cached = this.listings.get(directoryUri);
    if (cached && Date.now() - cached.at < freshFor) return cached.entries;
    let entries: string[] | undefined;
    try {
      entries = readdirSync(fileURLToPath(directoryUri), { withFileTypes: true })
        .slice(0, maxEntries)
        .map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name));
    } catch {
      entries = undefined;
    }
    this.listings.set(directoryUri, { at: Date.now(), entries });
    return entries;
  }

  read(fileUri: string): string | undefined {
    const cached = this.files.get(fileUri);
    if (cached && Date.now() - cached.at < freshFor) return cached.text;
    let text: string | undefined;
    try {
      const path = fileURLToPath(fileUri);
      // Most Dockerfiles have no `<name>.dockerignore`: asking without an exception is far cheaper.
      const size = statSync(path, { throwIfNoEntry: false })?.size;
      text = size !== undefined && size <= maxFileBytes ? readFileSync(path, 'utf8') : undefined;
    } catch {
      text = undefined;
    }
    this.files.set(fileUri, { at: Date.now(), text });
    return text;
  }
}
