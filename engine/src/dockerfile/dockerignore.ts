// `.dockerignore` with Docker's exact semantics (moby/patternmatcher and its ignorefile reader):
// comments only at column 0, `!` exceptions, `**`, leading `/` and `..` cleaned away, the last
// matching pattern wins, a pattern also matches everything under a directory it matches.

import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { goTrimSpace } from './text';

/** One pattern line of a `.dockerignore`, normalised as Docker's reader does. */
export interface IgnoreLine {
  /** The normalised pattern, `!` kept for exceptions (what Docker passes to the matcher). */
  readonly pattern: string;
  /** Zero-based line in the file. */
  readonly line: number;
  /** The line as written. */
  readonly text: string;
}

/** ignorefile.ReadAll: the patterns of a `.dockerignore` text, in order. */
export function readIgnoreFile(text: string): IgnoreLine[] {
  const out: IgnoreLine[] = [];
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop(); // a final newline ends the last line
  for (let i = 0; i < lines.length; i++) {
    let raw = lines[i];
    if (raw.endsWith('\r')) raw = raw.slice(0, -1); // bufio.ScanLines drops one CR before LF
    if (i === 0 && raw.startsWith('\ufeff')) raw = raw.slice(1);
    if (raw.startsWith('#')) continue;
    let pattern = goTrimSpace(raw);
    if (pattern === '') continue;
    const invert = pattern[0] === '!';
    if (invert) pattern = goTrimSpace(pattern.slice(1));
    if (pattern.length > 0) {
      pattern = cleanPath(pattern);
      if (pattern.length > 1 && pattern[0] === '/') pattern = pattern.slice(1);
    }
    out.push({ pattern: invert ? '!' + pattern : pattern, line: i, text: lines[i] });
  }
  return out;
}

/** Go's `path.Clean` (Unix paths). */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p[0] === '/';
  const parts: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
      else if (!rooted) parts.push('..');
      continue;
    }
    parts.push(part);
  }
  const joined = parts.join('/');
  if (rooted) return '/' + joined;
  return joined === '' ? '.' : joined;
}

type MatchType = 'exact' | 'prefix' | 'suffix' | 'regexp';

class Pattern {
  readonly dirs: number;
  private matchType: MatchType | undefined;
  private regexp: RegExp | undefined;

  constructor(
    readonly cleaned: string,
    readonly exclusion: boolean,
  ) {
    this.dirs = cleaned.split('/').length;
  }

  /** Whether `path` matches; throws a BadPattern when the pattern cannot compile. */
  match(path: string): boolean {
    if (this.matchType === undefined) this.compile();
    switch (this.matchType) {
      case 'exact':
        return path === this.cleaned;
      case 'prefix':
        return path.startsWith(this.cleaned.slice(0, -2));
      case 'suffix': {
        const suffix = this.cleaned.slice(2);
        if (path.endsWith(suffix)) return true;
        return suffix[0] === '/' && path === suffix.slice(1);
      }
      default:
        return (this.regexp as RegExp).test(path);
    }
  }

  /** patternmatcher's compile: exact, prefix (`dir/**`), suffix (`**\/name`) or a regular expression. */
  private compile(): void {
    let re = '^';
    let type: MatchType = 'exact';
    const chars = Array.from(this.cleaned);
    for (let i = 0, k = 0; k < chars.length; i++) {
      const ch = chars[k++];
      if (ch === '*') {
        if (chars[k] === '*') {
          k++;
          if (chars[k] === '/') k++; // `**/` is `**`
          if (k >= chars.length) {
            if (type === 'exact') type = 'prefix';
            else {
              re += ANY + '*';
              type = 'regexp';
            }
          } else {
            re += '(' + ANY + '*/)?';
            type = 'regexp';
          }
          if (i === 0) type = 'suffix';
        } else {
          re += '[^/]*';
          type = 'regexp';
        }
      } else if (ch === '?') {
        re += '[^/]';
        type = 'regexp';
      } else if ('.+()|{}$'.includes(ch)) {
        re += '\\' + ch;
      } else if (ch === '\\') {
        if (k < chars.length) {
          re += '\\' + chars[k++];
          type = 'regexp';
        } else {
          re += '\\\\';
        }
      } else if (ch === '[' || ch === ']') {
        re += ch;
        type = 'regexp';
      } else {
        re += ch;
      }
    }
    if (type === 'regexp') this.regexp = compileGoRegexp(re + '$');
    this.matchType = type;
  }
}

/** Go's `.`: any character but a newline. */
const ANY = '[^\\n]';

class BadPattern extends Error {}

function compileGoRegexp(source: string): RegExp {
  try {
    return new RegExp(source, 'u');
  } catch {
    try {
      return new RegExp(source);
    } catch {
      throw new BadPattern('syntax error in pattern');
    }
  }
}

/** Go's filepath.Match syntax check (`[` classes must close, escapes need a character). */
function isValidPattern(p: string): boolean {
  const chars = Array.from(p);
  let i = 0;
  const esc = (): boolean => {
    if (i >= chars.length || chars[i] === '-' || chars[i] === ']') return false;
    if (chars[i] === '\\') {
      i++;
      if (i >= chars.length) return false;
    }
    i++;
    return true;
  };
  while (i < chars.length) {
    const c = chars[i];
    if (c === '\\') {
      if (i + 1 >= chars.length) return false;
      i += 2;
    } else if (c === '[') {
      i++;
      if (chars[i] === '^') i++;
      for (let items = 0; ; items++) {
        if (i < chars.length && chars[i] === ']' && items > 0) {
          i++;
          break;
        }
        if (!esc()) return false;
        if (chars[i] === '-') {
          i++;
          if (!esc()) return false;
        }
      }
    } else {
      i++;
    }
  }
  return true;
}

/** A compiled set of ignore patterns (moby's PatternMatcher). */
export class PatternMatcher {
  private constructor(
    private readonly patterns: readonly Pattern[],
    /** Whether any pattern is an exception (`!…`): directories then need a closer look. */
    readonly exclusions: boolean,
  ) {}

  /**
   * Compiles patterns as `patternmatcher.New` does. An error carries Docker's text and the index of
   * the first bad pattern.
   */
  static create(
    patterns: readonly string[],
  ): PatternMatcher | { readonly error: string; readonly index: number } {
    const compiled: Pattern[] = [];
    let exclusions = false;
    for (let index = 0; index < patterns.length; index++) {
      let p = patterns[index];
      p = goTrimSpace(p);
      if (p === '') continue;
      p = cleanPath(p);
      let exclusion = false;
      if (p[0] === '!') {
        if (p.length === 1) return { error: 'illegal exclusion pattern: "!"', index };
        exclusion = true;
        exclusions = true;
        p = p.slice(1);
      }
      if (!isValidPattern(p)) return { error: 'syntax error in pattern', index };
      compiled.push(new Pattern(p, exclusion));
    }
    return new PatternMatcher(compiled, exclusions);
  }

  /**
   * Whether `file` (a slash-separated path relative to the context) is ignored, counting a match
   * of any of its parent directories — what the builder uses to filter the context.
   */
  matchesOrParentMatches(file: string): boolean {
    return this.evaluate(file, (pattern, parentDirs) => {
      for (let i = 0; i < parentDirs.length; i++) {
        if (pattern.match(parentDirs.slice(0, i + 1).join('/'))) return true;
      }
      return false;
    });
  }

  /** patternmatcher's `Matches`: a parent only counts at the pattern's own depth. */
  matches(file: string): boolean {
    return this.evaluate(file, (pattern, parentDirs) =>
      pattern.dirs <= parentDirs.length ? pattern.match(parentDirs.slice(0, pattern.dirs).join('/')) : false,
    );
  }

  /**
   * For walking a tree top-down: whether `file` is ignored given whether its parent directory
   * was (its parents are not looked at again).
   */
  matchesUsingParentResult(file: string, parentMatched: boolean): boolean {
    let matched = parentMatched;
    for (const pattern of this.patterns) {
      if (pattern.exclusion !== matched) continue;
      if (safeMatch(pattern, file)) matched = !pattern.exclusion;
    }
    return matched;
  }

  private evaluate(file: string, parentMatch: (pattern: Pattern, parentDirs: string[]) => boolean): boolean {
    const parentPath = dirnameGo(file);
    const parentDirs = parentPath.split('/');
    let matched = false;
    for (const pattern of this.patterns) {
      // An inclusion need not be tried once matched, an exception only once matched.
      if (pattern.exclusion !== matched) continue;
      let match = safeMatch(pattern, file);
      if (!match && parentPath !== '.') match = parentMatch(pattern, parentDirs);
      if (match) matched = !pattern.exclusion;
    }
    return matched;
  }
}

/** A pattern that fails to compile matches nothing (Docker reports it when the matcher is built). */
function safeMatch(pattern: Pattern, path: string): boolean {
  try {
    return pattern.match(path);
  } catch (e) {
    if (e instanceof BadPattern) return false;
    throw e;
  }
}

/** Go's `filepath.Dir` for slash paths. */
function dirnameGo(p: string): string {
  const slash = p.lastIndexOf('/');
  return cleanPath(slash < 0 ? '' : p.slice(0, slash + 1));
}

/**
 * The ignore files Docker would consider for a build, most specific first: `<Dockerfile>.dockerignore`
 * next to the Dockerfile, then `.dockerignore` at the root of the context.
 */
export function dockerignoreCandidates(contextDir: string, dockerfilePath: string): string[] {
  return [
    join(dirname(dockerfilePath), basename(dockerfilePath) + '.dockerignore'),
    join(contextDir, '.dockerignore'),
  ];
}

/** The ignore file that applies to a build, its text and patterns, or undefined when there is none. */
export function findDockerignore(
  contextDir: string,
  dockerfilePath: string,
): { readonly path: string; readonly text: string; readonly lines: IgnoreLine[] } | undefined {
  for (const candidate of dockerignoreCandidates(contextDir, dockerfilePath)) {
    if (!existsSync(candidate)) continue;
    const text = readFileSync(candidate, 'utf8');
    return { path: candidate, text, lines: readIgnoreFile(text) };
  }
  return undefined;
}
