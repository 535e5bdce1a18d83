// Small helpers to make spans for pieces of a token the parser did not split further (the name in
// `ARG name=value`, a key inside `--mount=…`), and to test positions against spans.
import type { Dockerfile, Position, Span } from '../../model';

export function spanOf(dockerfile: Dockerfile, startOffset: number, endOffset: number): Span {
  return {
    startOffset,
    endOffset,
    range: { start: dockerfile.positionAt(startOffset), end: dockerfile.positionAt(endOffset) },
  };
}

/** True when `offset` lies in the span or touches its end (a cursor right after a word is on it). */
export function touches(span: Span, offset: number): boolean {
  return span.startOffset <= offset && offset <= span.endOffset;
}

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

export interface MountOption {
  readonly key: string;
  readonly value: string;
  /** The whole `key=value` item. */
  readonly item: Span;
  /** The value after `=` (empty span right after `=` for an empty value; the key for a bare key). */
  readonly span: Span;
}

/**
 * Splits the raw text of a `--mount=` value (CSV: `type=cache,target=/x,"from=a b"`) into options
 * with their spans. BuildKit reads it with a CSV reader, so commas inside quotes do not split.
 */
export function mountOptions(dockerfile: Dockerfile, value: Span): MountOption[] {
  const text = dockerfile.text;
  const options: MountOption[] = [];
  let i = value.startOffset;
  const end = value.endOffset;
  while (i <= end) {
    const start = i;
    let quote = '';
    while (i < end && (quote !== '' || text[i] !== ',')) {
      if (text[i] === '"' || text[i] === "'") quote = quote === text[i] ? '' : quote === '' ? text[i] : quote;
      i++;
    }
    const raw = text.slice(start, i);
    if (raw.length > 0) {
      const eq = raw.indexOf('=');
      const unquote = (s: string) => s.replace(/^(["'])(.*)\1$/, '$2');
      const key = unquote(eq < 0 ? raw : raw.slice(0, eq))
        .trim()
        .toLowerCase();
      const valueStart = eq < 0 ? start : start + eq + 1;
      options.push({
        key,
        value: eq < 0 ? '' : unquote(raw.slice(eq + 1)),
        item: spanOf(dockerfile, start, i),
        span: spanOf(dockerfile, valueStart, i),
      });
    }
    i++;
  }
  return options;
}
