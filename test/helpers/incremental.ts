// For the tests that compare an incremental parse (one that took over part of the previous
// version's parse) with a parse from scratch: everything the model says, as one string, and the
// edits an editor makes (typing at the end, in the middle, random cuts and pastes).

import type { Dockerfile, Span } from '../../engine/src/dockerfile';
import { mutate } from './mutate';

/**
 * The whole model as JSON: every node with its offsets and its LSP range, every list, the typed
 * commands, the errors in order, and where the line table puts the end of the text.
 */
export function modelSnapshot(df: Dockerfile): string {
  const path = new Set<object>();
  const walk = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return value;
    if (path.has(value)) return '[cycle]';
    path.add(value);
    let out: unknown;
    if (Array.isArray(value)) out = value.map(walk);
    else if (value instanceof Map) out = { map: [...value].map(walk) };
    else if (value instanceof Set) out = { set: [...value].map(walk) };
    else {
      const fields: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(value)) {
        if (key !== 'lines' && key !== 'cachedRange' && key !== 'reuse' && key !== 'src')
          fields[key] = walk(child);
      }
      const span = value as Partial<Span>;
      if (typeof span.startOffset === 'number' && typeof span.endOffset === 'number')
        fields.range = span.range;
      out = fields;
    }
    path.delete(value);
    return out;
  };
  return JSON.stringify(
    walk({
      text: df.text,
      escapeChar: df.escapeChar,
      directives: df.directives,
      comments: df.comments,
      instructions: df.instructions,
      globalArgs: df.globalArgs,
      stages: df.stages,
      errors: df.errors,
      emptyContinuationLines: df.emptyContinuationLines,
      lineCount: df.lineCount,
      end: df.positionAt(df.text.length),
    }),
  );
}

/** One edit as an editor makes them; `next` is a seeded generator. */
export function edit(text: string, next: () => number): string {
  const at = Math.floor(next() * (text.length + 1));
  const typed = ['a', ' ', '\n', '\\', '\\\n', '$', '#', '"', '<<EOF\n', 'EOF\n', 'RUN x\n', 'FROM a AS b\n'];
  const piece = typed[Math.floor(next() * typed.length)];
  switch (Math.floor(next() * 6)) {
    case 0: // typing at the end (what the language-server benchmark does)
      return next() < 0.5 ? `${text}\n` : text + piece;
    case 1: // deleting at the end
      return text.slice(0, Math.max(0, text.length - 1 - Math.floor(next() * 3)));
    case 2: // typing in the middle
      return text.slice(0, at) + piece + text.slice(at);
    case 3: // deleting in the middle
      return text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + Math.floor(next() * 20)));
    case 4: // a new line in the middle
      return `${text.slice(0, at)}\n${text.slice(at)}`;
    default: // random cuts, copies and pastes
      return mutate(text, next);
  }
}
