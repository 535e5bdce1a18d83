// The .dockerignore that applies to a build (`<Dockerfile>.dockerignore` next to the Dockerfile,
// else `.dockerignore` at the context root), compiled with the one parser's matcher.
import { basename } from 'node:path';
import { findDockerignore, PatternMatcher } from '../../dockerfile';
import type { IgnoreRules } from './context';

export interface LoadedIgnore {
  rules: IgnoreRules;
  /** The file's name as the user knows it (for messages). */
  file: string;
}

export function loadIgnoreRules(contextDir: string, dockerfilePath: string): LoadedIgnore | undefined {
  const found = findDockerignore(contextDir, dockerfilePath);
  if (!found) return undefined;
  const patterns = found.lines.map((l) => l.pattern);
  const matcher = PatternMatcher.create(patterns);
  const file = basename(found.path);
  if ('error' in matcher) {
    const line = found.lines[matcher.index];
    throw new Error(
      `${file}:${line.line + 1}: ${matcher.error} ${JSON.stringify(line.text.trim())}: fix or remove the pattern`,
    );
  }
  // Exceptions as written (after `!`): a directory's subtree is visited when one of them starts
  // with the directory's path, as Docker's walker decides.
  const exceptions = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  return {
    file,
    rules: {
      excludes: (path) => matcher.matchesOrParentMatches(path),
      mayIncludeBelow: (dir) =>
        exceptions.some((p) => p.startsWith(`${dir}/`) || p.startsWith('**') || p.startsWith('*')),
    },
  };
}
