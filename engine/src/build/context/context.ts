// The build context: a directory (given to `berth build`, or a context tar the daemon extracted),
// seen through its .dockerignore. What is excluded does not exist for the build: COPY . skips it,
// and naming it is "not found" (with the reason). Sources are resolved as BuildKit resolves them:
// relative to the context root, `..` stopping at the root, wildcards per path component (Go's
// filepath.Glob), symlinks inside the context followed only within it.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { posix } from 'node:path';
import type { Digest } from '../../oci/digest';
import type { FileDigests } from './file-digests';
import { compileMatch, hasWildcards } from './path-match';

/** The .dockerignore rules: which context paths the build never sees. */
export interface IgnoreRules {
  /** True when `path` (relative to the context root, `/`-separated, no leading `/`) is excluded. */
  excludes(path: string): boolean;
  /** True when an exception (`!pattern`) may re-include something below the excluded directory `dir`. */
  mayIncludeBelow(dir: string): boolean;
}

/** A file or directory of the context a source resolved to. */
export interface ContextEntry {
  /** Relative to the context root, `/`-separated ('' for the root itself). */
  readonly rel: string;
  /** Absolute host path. */
  readonly abs: string;
  readonly stat: fs.BigIntStats;
}

export class SourceNotFoundError extends Error {
  override name = 'SourceNotFoundError';
  constructor(
    readonly source: string,
    /** The ignore file that excluded it, when that is why. */
    readonly excludedBy: string | undefined,
  ) {
    super(
      excludedBy
        ? `"${source}" is excluded by ${excludedBy}: the build does not see it; remove the matching pattern from ${excludedBy} (or add an exception "!${source.replace(/^\/+/, '')}") to use it`
        : `"${source}" not found in the build context`,
    );
  }
}

export class BuildContext {
  constructor(
    /** Absolute path of the context directory. */
    readonly dir: string,
    readonly ignore: IgnoreRules | undefined,
    /** The ignore file's name (for messages), e.g. `.dockerignore` or `Dockerfile.dockerignore`. */
    readonly ignoreFile: string | undefined,
    private readonly digests: FileDigests,
    /** Writes file content still held in memory; undefined when the context is all on disk. */
    private writeHeld?: () => void,
  ) {}

  /** Makes every file's content readable on disk (before a step reads it, not for cache keys). */
  ensureContent(): void {
    const write = this.writeHeld;
    this.writeHeld = undefined;
    write?.();
  }

  excluded(rel: string): boolean {
    return rel !== '' && !!this.ignore?.excludes(rel);
  }

  /**
   * The entries a source names: one for a plain path, any number for a wildcard. Throws
   * SourceNotFoundError naming the source when nothing is found, except for a wildcard when
   * `allowEmptyWildcard` (COPY and ADD, as BuildKit: `COPY package.json yarn.lock* ./` works
   * without a yarn.lock).
   */
  resolve(source: string, options: { allowEmptyWildcard?: boolean } = {}): ContextEntry[] {
    const clean = cleanRel(source);
    const parts = clean === '' ? [] : clean.split('/');
    const found: ContextEntry[] = [];
    this.expand('', parts, found);
    if (found.length === 0) {
      if (options.allowEmptyWildcard && hasWildcards(clean)) return [];
      const excludedBy =
        !hasWildcards(clean) && this.ignoreFile && this.excluded(clean) && this.existsRaw(clean)
          ? this.ignoreFile
          : undefined;
      throw new SourceNotFoundError(source, excludedBy);
    }
    return found.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  }

  private existsRaw(rel: string): boolean {
    try {
      fs.lstatSync(posix.join(this.dir, rel));
      return true;
    } catch {
      return false;
    }
  }

  private expand(base: string, rest: string[], out: ContextEntry[]): void {
    if (rest.length === 0) {
      const entry = this.entry(base);
      if (entry && !this.excluded(base)) out.push(entry);
      return;
    }
    const [part, ...tail] = rest;
    if (!hasWildcards(part)) {
      this.expand(base ? `${base}/${part}` : part, tail, out);
      return;
    }
    const dir = this.entry(base);
    if (!dir || !dir.stat.isDirectory()) return;
    const re = compileMatch(part);
    for (const name of fs.readdirSync(dir.abs).sort()) {
      if (re.test(name)) this.expand(base ? `${base}/${name}` : name, tail, out);
    }
  }

  /** The entry at `rel`, following symlinks within the context; undefined when missing. */
  entry(rel: string): ContextEntry | undefined {
    const abs = this.resolveLinks(rel);
    if (abs === undefined) return undefined;
    try {
      return { rel, abs, stat: fs.lstatSync(abs, { bigint: true }) };
    } catch {
      return undefined;
    }
  }

  /** The host path of `rel` with every symlink resolved as if the context were `/`. */
  private resolveLinks(rel: string): string | undefined {
    const pending = rel === '' ? [] : rel.split('/');
    const resolved: string[] = [];
    let hops = 0;
    while (pending.length > 0) {
      const part = pending.shift()!;
      if (part === '' || part === '.') continue;
      if (part === '..') {
        resolved.pop();
        continue;
      }
      const abs = posix.join(this.dir, ...resolved, part);
      let st: fs.Stats;
      try {
        st = fs.lstatSync(abs);
      } catch {
        return undefined;
      }
      if (st.isSymbolicLink()) {
        if (++hops > 255) return undefined;
        const target = fs.readlinkSync(abs);
        if (target.startsWith('/')) resolved.length = 0;
        pending.unshift(...target.split('/'));
        continue;
      }
      resolved.push(part);
    }
    return posix.join(this.dir, ...resolved);
  }

  /**
   * Visits `entry` and, for a directory, everything below it the build can see, parents before
   * children, in name order. `rel` is relative to `entry`.
   */
  *walk(entry: ContextEntry): Generator<{ rel: string; abs: string; stat: fs.BigIntStats }> {
    yield { rel: '', abs: entry.abs, stat: entry.stat };
    if (entry.stat.isDirectory()) yield* this.walkDir(entry.rel, entry.abs, '');
  }

  private *walkDir(
    ctxRel: string,
    abs: string,
    rel: string,
  ): Generator<{ rel: string; abs: string; stat: fs.BigIntStats }> {
    for (const name of fs.readdirSync(abs).sort()) {
      const childCtx = ctxRel ? `${ctxRel}/${name}` : name;
      const childAbs = `${abs}/${name}`;
      const childRel = rel ? `${rel}/${name}` : name;
      const stat = fs.lstatSync(childAbs, { bigint: true });
      const excluded = this.excluded(childCtx);
      if (!excluded) yield { rel: childRel, abs: childAbs, stat };
      if (stat.isDirectory() && (!excluded || this.ignore?.mayIncludeBelow(childCtx))) {
        if (excluded) {
          // Something below may be re-included: its parents are then part of the copy too.
          const below = [...this.walkDir(childCtx, childAbs, childRel)];
          if (below.length > 0) yield { rel: childRel, abs: childAbs, stat };
          yield* below;
        } else {
          yield* this.walkDir(childCtx, childAbs, childRel);
        }
      }
    }
  }

  /**
   * A digest of everything `entry` makes a step read: names, types, modes, owners, link targets and
   * file contents — not times.
   */
  digest(entry: ContextEntry): Digest {
    const hash = createHash('sha256');
    for (const f of this.walk(entry)) {
      const st = f.stat;
      let content = '';
      if (st.isFile()) content = this.digests.digest(f.abs, st);
      else if (st.isSymbolicLink()) content = fs.readlinkSync(f.abs);
      else if (st.isBlockDevice() || st.isCharacterDevice()) content = String(st.rdev);
      hash.update(`${JSON.stringify(f.rel)} ${st.mode.toString(8)} ${st.uid}:${st.gid} ${content}\n`);
    }
    return `sha256:${hash.digest('hex')}`;
  }
}

/** A source path made relative to the context root: `..` stops at the root, `.` and `//` vanish. */
export function cleanRel(source: string): string {
  return posix.normalize(`/${source}`).replace(/^\/+/, '').replace(/\/+$/, '');
}
