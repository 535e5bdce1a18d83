// The build context a client sends to an engine's /build: the context folder as a tar stream,
// without what .dockerignore excludes, as the docker CLI sends it (the engine builds from what it
// gets). The Dockerfile and the ignore file are always sent; a Dockerfile that is not in the folder
// (read from stdin, or `-f` pointing outside it) goes in at the root under a name of its own, as the
// docker CLI does. Entries carry no owner (uid/gid 0), so builds do not depend on who packed them.
// Used by `berth build` and by the extension's Build command.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import { Header, Pack, ReadEntry } from 'tar';
import { findDockerignore, PatternMatcher } from '../../dockerfile';

/** `*`, `?` and `[…]` of one path segment, as Docker's matcher (Go's filepath.Match) reads them. */
function segmentMatches(pattern: string, segment: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${source}$`).test(segment);
}

/** Whether an exception (`!pattern`) could keep something inside `dir` (forward slashes). */
function mayKeepBelow(exception: string, dir: string): boolean {
  const patternParts = exception.replace(/^\/+/, '').split('/');
  const dirParts = dir.split('/');
  for (let i = 0; i < dirParts.length; i++) {
    if (patternParts[i] === '**') return true;
    if (i >= patternParts.length - 1 || !segmentMatches(patternParts[i], dirParts[i])) return false;
  }
  return true;
}

/**
 * Whether to send `relativePath` (forward slashes, no leading ./), given the ignore patterns (as
 * read from the file). An excluded folder is still walked when an exception (`!pattern`) may keep a
 * file inside it. Throws on a pattern Docker would refuse.
 */
export function makeContextFilter(
  patterns: readonly string[],
  alwaysSend: readonly string[],
): (relativePath: string, isDirectory: boolean) => boolean {
  const matcher = PatternMatcher.create(patterns);
  if (!(matcher instanceof PatternMatcher)) {
    throw new Error(
      `.dockerignore pattern "${patterns[matcher.index]}" is invalid (${matcher.error}); fix or remove it`,
    );
  }
  const exceptions = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  const always = new Set(alwaysSend);
  return (relativePath, isDirectory) => {
    if (relativePath === '' || relativePath === '.' || always.has(relativePath)) return true;
    if (!matcher.matchesOrParentMatches(relativePath)) return true;
    return isDirectory && exceptions.some((e) => mayKeepBelow(e, relativePath));
  };
}

export interface ContextSource {
  /** Absolute path of the context folder. */
  readonly contextDir: string;
  /** Absolute path of the Dockerfile (where `<Dockerfile>.dockerignore` is looked up). */
  readonly dockerfilePath: string;
  /**
   * The Dockerfile's text when it is not a file inside the context folder: it is added to the tar
   * at the root as `.dockerfile.<random>`.
   */
  readonly dockerfileText?: string;
}

export interface PackedContext {
  /** The uncompressed tar. */
  readonly tar: NodeJS.ReadableStream;
  /** The Dockerfile's path inside the tar (the /build `dockerfile` parameter). */
  readonly dockerfile: string;
}

/** The context as an uncompressed tar stream, entries relative to the context folder. */
export function packContext(source: ContextSource): PackedContext {
  const inside = posixRelative(source.contextDir, source.dockerfilePath);
  const dockerfile =
    source.dockerfileText !== undefined || inside === undefined
      ? `.dockerfile.${randomBytes(10).toString('hex')}`
      : inside;
  const ignoreFile = findDockerignore(source.contextDir, source.dockerfilePath);
  const alwaysSend = [dockerfile];
  const ignoreRel = ignoreFile && posixRelative(source.contextDir, ignoreFile.path);
  if (ignoreRel) alwaysSend.push(ignoreRel);
  const keep = makeContextFilter(ignoreFile?.lines.map((l) => l.pattern) ?? [], alwaysSend);
  const pack = new Pack({
    cwd: source.contextDir,
    portable: true,
    filter: (entryPath, stat) =>
      keep(entryPath.replace(/^\.\/?/, ''), 'isDirectory' in stat && stat.isDirectory()),
  });
  pack.add('.');
  if (dockerfile !== inside) {
    const text = source.dockerfileText ?? readFileSync(source.dockerfilePath, 'utf8');
    pack.add(memoryEntry(dockerfile, Buffer.from(text, 'utf8')));
  }
  pack.end();
  return { tar: pack as unknown as NodeJS.ReadableStream, dockerfile };
}

/** `dir/sub/file` → `sub/file`; undefined when `file` is not inside `dir`. */
function posixRelative(dir: string, file: string): string | undefined {
  const rel = relative(dir, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}

/** A regular file that exists only in memory, as a tar entry. */
function memoryEntry(name: string, data: Buffer): ReadEntry {
  const header = new Header({ path: name, mode: 0o644, size: data.length, type: 'File', mtime: new Date() });
  const entry = new ReadEntry(header);
  entry.end(Buffer.concat([data, Buffer.alloc((512 - (data.length % 512)) % 512)]));
  return entry;
}
