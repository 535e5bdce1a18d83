// A stage while it builds: the image it is making, the environment its instructions see (BuildKit
// keeps one list for ENV and ARG values: ENV also goes into the image config, ARG only into the
// build), the ARGs it declared (they appear in RUN history entries), and the cache key of its
// file system so far.
import { processShellWord, variablesFrom, type VariableSource } from '../dockerfile';
import type { HistoryEntry } from '../oci/image-spec';
import { cacheKey } from './cache';
import { type BuildImage, historyComment } from './image';

export interface DeclaredArg {
  key: string;
  value: string | undefined;
}

/** BuildKit's default PATH for Linux images. */
export const defaultPathEnv = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export class StageState {
  readonly env = new Map<string, string>();
  readonly args: DeclaredArg[] = [];
  /** Whether this stage set CMD (an ENTRYPOINT afterwards keeps it). */
  cmdSet = false;

  constructor(
    public image: BuildImage,
    /** Cache key of the file system so far. */
    public fsKey: string,
    readonly escapeChar: '\\' | '`',
  ) {}

  /** A stage FROM another stage starts from that stage's image, environment and cache key. */
  static fromParent(parent: StageState): StageState {
    const state = new StageState(structuredClone(parent.image), parent.fsKey, parent.escapeChar);
    for (const [k, v] of parent.env) state.env.set(k, v);
    state.initEnv();
    return state;
  }

  static fromImage(image: BuildImage, fsKey: string, escapeChar: '\\' | '`'): StageState {
    const state = new StageState(image, fsKey, escapeChar);
    state.initEnv();
    return state;
  }

  /** PATH is always set, and the image's variables are visible to the stage's instructions. */
  private initEnv(): void {
    const env = (this.image.config.Env ??= []);
    if (!env.some((e) => e.startsWith('PATH='))) env.push(`PATH=${defaultPathEnv}`);
    for (const e of env) {
      const eq = e.indexOf('=');
      this.env.set(eq < 0 ? e : e.slice(0, eq), eq < 0 ? '' : e.slice(eq + 1));
    }
  }

  get vars(): VariableSource {
    return variablesFrom(this.env);
  }

  /** Expands a word as BuildKit does (ARG defaults); throws BuildKit's message. */
  expand(word: string): string {
    const r = processShellWord(word, this.vars, { escapeChar: this.escapeChar });
    if (r.error !== undefined) throw new Error(r.error);
    return r.value;
  }

  /** The display form of a command: variables that are set expanded, quotes kept (BuildKit's names). */
  displayExpand(text: string): string {
    const r = processShellWord(text, this.vars, {
      escapeChar: this.escapeChar,
      rawQuotes: true,
      skipUnsetEnv: true,
    });
    return r.error === undefined ? r.value : text;
  }

  get workdir(): string {
    return this.image.config.WorkingDir || '/';
  }

  get user(): string {
    return this.image.config.User ?? '';
  }

  /** The environment list a RUN step's process gets (BuildKit's state env). */
  envList(): string[] {
    return [...this.env].map(([k, v]) => `${k}=${v}`);
  }

  /** Sets a variable in the image config's Env (replacing an existing one in place) and the stage env. */
  setEnv(key: string, value: string): void {
    const env = (this.image.config.Env ??= []);
    const i = env.findIndex((e) => (e.indexOf('=') < 0 ? e : e.slice(0, e.indexOf('='))) === key);
    if (i >= 0) env[i] = `${key}=${value}`;
    else env.push(`${key}=${value}`);
    this.env.set(key, value);
  }

  /** Adds a history entry; `created` is filled when the image is exported (see fillHistoryTimes). */
  commit(createdBy: string, withLayer: boolean, created?: string): void {
    const entry: HistoryEntry = { created_by: createdBy, comment: historyComment };
    if (created !== undefined) entry.created = created;
    if (!withLayer) entry.empty_layer = true;
    this.image.history.push(entry);
  }

  /** Moves the file-system key on: `description` is what the step did, after expansion. */
  advance(description: unknown): string {
    this.fsKey = cacheKey(this.fsKey, description);
    return this.fsKey;
  }
}

/**
 * History entries written by this build carry no time until export: one with a layer has its
 * layer's time already; one without takes the time of the closest entry with a layer after it,
 * else of the last layer this build made, else `now` — as BuildKit's exporter does. Returns the
 * image's `created` (the last entry's time).
 */
export function fillHistoryTimes(history: HistoryEntry[], now: string): string {
  const firstOwn = history.findIndex((h) => h.created === undefined);
  if (firstOwn < 0) return history[history.length - 1]?.created ?? now;
  let lastOwnLayer: string | undefined;
  for (let i = firstOwn; i < history.length; i++) {
    if (!history[i].empty_layer && history[i].created !== undefined) lastOwnLayer = history[i].created;
  }
  let after: string | undefined;
  for (let i = history.length - 1; i >= 0; i--) {
    const h = history[i];
    if (!h.empty_layer && h.created !== undefined) after = h.created;
    else if (h.created === undefined) h.created = after ?? lastOwnLayer ?? now;
  }
  return history[history.length - 1].created ?? now;
}
