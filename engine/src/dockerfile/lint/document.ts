// One version of one open Dockerfile: its text, parsed once, and everything derived from the parse,
// each computed on first use and then kept until the next edit replaces the document (or the
// store trims a document nobody works on). Requests read these; none re-parses.
import { parseDockerfile, type Dockerfile } from '..';
import { Symbols } from './analysis/symbols';

/** Memo keys whose values a new version receives from the one it replaces (see `carried`). */
const carriedKeys = new Set<symbol>();

/** A memo key whose value the next version of the document receives, to build on. */
export function carriedKey(description: string): symbol {
  const key = Symbol(description);
  carriedKeys.add(key);
  return key;
}

export class DockerfileDocument {
  private parsed: Dockerfile | undefined;
  private symbolTable: Symbols | undefined;
  /** Derived values cached by the service modules (lint results, semantic tokens…), by key. */
  private readonly memo = new Map<unknown, unknown>();
  /** The last parse of an earlier version, until this version is parsed (see parseDockerfile). */
  private previousParse: Dockerfile | undefined;
  /** The previous version's values under carried keys, until this version remembers its own. */
  private readonly fromPrevious = new Map<symbol, unknown>();

  /**
   * `previous`: the document this version replaces. The parse reads again only what follows the
   * first change and takes the instructions before it over from the previous version's parse,
   * which then belongs to this one: the previous document must not be used any more.
   */
  constructor(
    readonly uri: string,
    readonly version: number,
    readonly text: string,
    previous?: DockerfileDocument,
  ) {
    this.previousParse = previous && (previous.parsed ?? previous.previousParse);
    if (previous) {
      for (const key of carriedKeys) {
        const value = previous.memo.get(key) ?? previous.fromPrevious.get(key);
        if (value !== undefined) this.fromPrevious.set(key, value);
      }
    }
  }

  /**
   * What the previous version cached under a carried key (`carriedKey`), for building this
   * version's value on; gone once this version remembers its own.
   */
  carried<T>(key: symbol): T | undefined {
    return this.fromPrevious.get(key) as T | undefined;
  }

  get dockerfile(): Dockerfile {
    if (!this.parsed) {
      this.parsed = parseDockerfile(this.text, this.previousParse);
      this.previousParse = undefined;
    }
    return this.parsed;
  }

  get symbols(): Symbols {
    return (this.symbolTable ??= new Symbols(this.dockerfile));
  }

  /** Computes `make()` once per document version and key (until `trim()`). */
  cached<T>(key: unknown, make: () => T): T {
    if (this.memo.has(key)) return this.memo.get(key) as T;
    const value = make();
    this.memo.set(key, value);
    return value;
  }

  /** Replaces a cached value (for caches that depend on more than the document). */
  remember(key: unknown, value: unknown): void {
    this.memo.set(key, value);
    if (typeof key === 'symbol') this.fromPrevious.delete(key);
  }

  /**
   * Drops the parse and everything derived from it (symbols, lint results, tokenized scripts,
   * semantic tokens), keeping only the text: for documents open but not being worked on. A parse
   * weighs some 25 times its text, and every one kept makes each garbage collection mark it
   * again while the user edits other files. Rebuilt from the text on next use.
   */
  trim(): void {
    this.memo.clear();
    this.symbolTable = undefined;
    this.parsed = undefined;
    this.previousParse = undefined;
    this.fromPrevious.clear();
  }
}
