// Custom messages between the Berth client and the language server, declared once and imported by
// both sides. The server works fully without any of them; they only enrich completion and hover.
import { NotificationType } from 'vscode-jsonrpc';

export type { LocalImage } from '../../engine/src/dockerfile/lint/environment';
import type { LocalImage } from '../../engine/src/dockerfile/lint/environment';

export interface LocalImagesParams {
  /** The complete current list: each notification replaces the previous one. */
  readonly images: readonly LocalImage[];
  /** The engine's default build platform (`linux/amd64`), if known. */
  readonly platform?: string;
}

/** Client → server: the engine's local images changed (sent on start and on every image event). */
export const LocalImagesNotification = {
  method: 'berth/localImages',
  type: new NotificationType<LocalImagesParams>('berth/localImages'),
} as const;

/** The settings section the server reads with `workspace/configuration`. */
export const settingsSection = 'berth.dockerfile';

/**
 * Node flags every launcher starts the server with (the extension's client, bin/berth-lsp's
 * shebang, the benchmark). V8's defaults size the heap for throughput and let it grow to several
 * times what the open documents need:
 * - a 4 MB young generation (default up to 3 × 16 MB): parsing a large file builds a tree of a few
 *   MB, which a 1 MB one copies and promotes piecemeal (over half the main thread's time in GC on
 *   a 5,000-line file), while 4 MB keeps the server's RSS with the 274-file corpus open at ~80 MB;
 * - old space grows by 30 % after each full collection (V8 picks up to 4× on its own), so a burst
 *   of edits across many files leaves ~90 MB instead of ~130 MB, at no measurable CPU cost;
 * - no memory reducer. Some 8 s after the server goes quiet it runs collections that shrink the heap
 *   and also let go of the hidden classes of objects not alive at that moment (the parser's and
 *   lexer's state, each rule's context). V8 then throws away every function optimised against
 *   them, ~120 of the parser's, lexer's and rules': the first 5,000-line file opened after a pause
 *   took 22–27 ms instead of 12–15, and the next ten opens stayed slow while V8 re-optimised.
 *   The cost is memory at rest: ~83 MB with the 274-file corpus open, where the reducer got ~65.
 */
export const serverNodeFlags = [
  '--max-semi-space-size=4',
  '--heap-growing-percent=30',
  '--no-memory-reducer',
] as const;
