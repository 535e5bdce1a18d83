// The build context sent to the engine's /build: the context folder as a tar stream, without what
// .dockerignore excludes (the docker CLI does the same on its side; the engine builds from what it
// gets). The Dockerfile and the ignore file are always sent, as the docker CLI does. Matching is
// Berth's own Docker-exact .dockerignore matcher (engine/src/dockerfile), shared with the linter.
import * as path from 'node:path';
import { create } from 'tar';

import { findDockerignore, PatternMatcher } from '../../../engine/src/dockerfile';
import { dockerfileInContext, type BuildContextSource } from './buildRequest';

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

/** The context as an uncompressed tar stream, entries relative to the context folder. */
export function packBuildContext(source: BuildContextSource): NodeJS.ReadableStream {
  const dockerfile = dockerfileInContext(source);
  const ignoreFile = findDockerignore(source.contextDir, source.dockerfile);
  const alwaysSend = [dockerfile];
  if (ignoreFile)
    alwaysSend.push(path.relative(source.contextDir, ignoreFile.path).split(path.sep).join('/'));
  const keep = makeContextFilter(ignoreFile?.lines.map((l) => l.pattern) ?? [], alwaysSend);
  return create(
    {
      cwd: source.contextDir,
      portable: true,
      filter: (entryPath, stat) =>
        keep(entryPath.replace(/^\.\/?/, ''), 'isDirectory' in stat && stat.isDirectory()),
    },
    ['.'],
  ) as unknown as NodeJS.ReadableStream;
}
