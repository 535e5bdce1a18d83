// ADD <url>: the file is downloaded (following redirects), checked against --checksum when given,
// and named after the last path segment of the URL; its time is the server's Last-Modified.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';

export function isUrl(source: string): boolean {
  return source.startsWith('http://') || source.startsWith('https://');
}

/** The file name BuildKit gives a downloaded URL: its path's base name, `__unnamed__` without one. */
export function urlFileName(url: string): string {
  try {
    const base = posix.basename(new URL(url).pathname);
    return base && base !== '.' && base !== '/' ? decodeURIComponent(base) : '__unnamed__';
  } catch {
    return '__unnamed__';
  }
}

export async function downloadUrl(
  url: string,
  checksum: string,
): Promise<{ data: Buffer; name: string; mtime?: Date }> {
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'follow' });
  } catch (err) {
    const cause = (err as { cause?: Error }).cause;
    throw new Error(`failed to download ${url}: ${cause?.message ?? (err as Error).message}`);
  }
  if (!response.ok) {
    throw new Error(
      `failed to download ${url}: the server answered ${response.status} ${response.statusText}`,
    );
  }
  const data = Buffer.from(await response.arrayBuffer());
  if (checksum) {
    const algorithm = checksum.slice(0, checksum.indexOf(':'));
    if (algorithm !== 'sha256' && algorithm !== 'sha384' && algorithm !== 'sha512') {
      throw new Error(`invalid checksum ${JSON.stringify(checksum)}: give sha256:<hex> (or sha384, sha512)`);
    }
    const actual = `${algorithm}:${createHash(algorithm).update(data).digest('hex')}`;
    if (actual !== checksum)
      throw new Error(`digest mismatch ${actual}: ${checksum} (downloaded from ${url})`);
  }
  const lastModified = response.headers.get('last-modified');
  const mtime = lastModified ? new Date(lastModified) : undefined;
  return { data, name: urlFileName(url), ...(mtime && !Number.isNaN(mtime.getTime()) && { mtime }) };
}
