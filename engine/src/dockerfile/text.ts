// Character classes and text helpers that reproduce Go's behaviour, so the parser splits exactly
// where BuildKit does, plus the line table that turns offsets into LSP positions.

import type { Position, Range } from './model';

/** Go's `unicode.IsSpace` (Latin-1 spaces plus the Unicode White_Space property). */
export function isGoSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0x85) return false;
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** BuildKit's `reWhitespace` class `[\t\v\f\r ]`: what separates an instruction from its arguments. */
export function isSplitSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0b || c === 0x0c || c === 0x0d;
}

/** Go regexp `\s`: `[\t\n\f\r ]`. */
export function isRegexpSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d;
}

/** Go's `strings.TrimSpace` bounds of `text[start, end)`: returns [start, end] without surrounding spaces. */
export function trimSpaceBounds(text: string, start: number, end: number): [number, number] {
  while (start < end && isGoSpace(text.charCodeAt(start))) start++;
  while (end > start && isGoSpace(text.charCodeAt(end - 1))) end--;
  return [start, end];
}

/** Go's `strings.TrimSpace`. */
export function goTrimSpace(text: string): string {
  const [s, e] = trimSpaceBounds(text, 0, text.length);
  return s === 0 && e === text.length ? text : text.slice(s, e);
}

const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** Go's `strconv.Quote`: a double-quoted string with Go escapes (used by the AST dump and error texts). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    switch (c) {
      case 0x07:
        out += '\\a';
        continue;
      case 0x08:
        out += '\\b';
        continue;
      case 0x0c:
        out += '\\f';
        continue;
      case 0x0a:
        out += '\\n';
        continue;
      case 0x0d:
        out += '\\r';
        continue;
      case 0x09:
        out += '\\t';
        continue;
      case 0x0b:
        out += '\\v';
        continue;
      case 0x22:
        out += '\\"';
        continue;
      case 0x5c:
        out += '\\\\';
        continue;
    }
    if (c < 0x80) {
      out += c < 0x20 || c === 0x7f ? '\\x' + hex(c, 2) : ch;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += '\ufffd'; // a lone surrogate: Go would see the replacement character
    } else if (printable.test(ch)) {
      out += ch;
    } else {
      out += c < 0x10000 ? '\\u' + hex(c, 4) : '\\U' + hex(c, 8);
    }
  }
  return out + '"';
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** Counts the line breaks of `text` (`\r\n`, `\n` or `\r`); with `starts`, records the line after each. */
function visitLineBreaks(text: string, starts: Uint32Array | undefined): number {
  const n = text.length;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0d) {
      if (i + 1 < n && text.charCodeAt(i + 1) === 0x0a) i++;
    } else if (c !== 0x0a) continue;
    count++;
    if (starts) starts[count] = i + 1;
  }
  return count;
}

/**
 * Line starts of a text, with LSP's idea of a line break (`\n`, `\r\n` or a lone `\r`), so that
 * positions can be handed to an LSP client unchanged. Characters are UTF-16 code units, as in JS.
 */
export class LineIndex {
  /** Offset of the first character of each line (a typed array: half the memory of an array). */
  declare lineStarts: Uint32Array;
  declare text: string;

  constructor(text: string) {
    this.reset(text);
  }

  /**
   * Makes this the line table of `text`. A parse that takes over the nodes of the previous
   * version's parse (reuse.ts) takes over its line table too: the nodes find their ranges through
   * it, and for the unchanged text they cover every position stays the same. `unchanged`: how many
   * leading characters `text` shares with the current text (their line starts are kept).
   */
  reset(text: string, unchanged = 0): void {
    if (unchanged > 0) {
      this.resetAfter(text, unchanged);
      return;
    }
    this.text = text;
    // Two passes (count, then fill) so the starts go straight into an array of the right size.
    if (text.indexOf('\r') < 0) {
      // Fast path: no carriage returns at all.
      let count = 1;
      for (let j = text.indexOf('\n'); j >= 0; j = text.indexOf('\n', j + 1)) count++;
      const starts = new Uint32Array(count);
      let line = 1;
      for (let j = text.indexOf('\n'); j >= 0; j = text.indexOf('\n', j + 1)) starts[line++] = j + 1;
      this.lineStarts = starts;
      return;
    }
    const count = visitLineBreaks(text, undefined);
    const starts = new Uint32Array(count + 1);
    visitLineBreaks(text, starts);
    this.lineStarts = starts;
  }

  /** Keeps the starts that the first `unchanged` characters decide and finds the others in `text`. */
  private resetAfter(text: string, unchanged: number): void {
    const old = this.lineStarts;
    // A start q is decided by the characters before it and, after a '\r', by the one at q: the
    // starts below `unchanged` are the same in both texts.
    let kept = old.length;
    while (kept > 0 && old[kept - 1] >= unchanged) kept--;
    const from = unchanged - 1; // a break there starts a line at `unchanged` or later
    const rest = text.slice(from);
    const added = visitLineBreaks(rest, undefined);
    const starts = new Uint32Array(kept + added);
    starts.set(old.subarray(0, kept));
    const tail = new Uint32Array(added + 1);
    visitLineBreaks(rest, tail);
    for (let i = 1; i <= added; i++) starts[kept + i - 1] = tail[i] + from;
    this.text = text;
    this.lineStarts = starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** The zero-based line holding `offset` (clamped to the text). */
  lineAt(offset: number): number {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    if (offset >= starts[hi]) return hi;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  positionAt(offset: number): Position {
    if (offset < 0) offset = 0;
    else if (offset > this.text.length) offset = this.text.length;
    const line = this.lineAt(offset);
    return { line, character: offset - this.lineStarts[line] };
  }

  rangeOf(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }

  /** The offset of an LSP position; positions past a line's end clamp to the end of that line. */
  offsetAt(position: Position): number {
    const starts = this.lineStarts;
    if (position.line < 0) return 0;
    if (position.line >= starts.length) return this.text.length;
    const lineStart = starts[position.line];
    let lineEnd = position.line + 1 < starts.length ? starts[position.line + 1] : this.text.length;
    // Do not step into the line break itself.
    while (lineEnd > lineStart) {
      const c = this.text.charCodeAt(lineEnd - 1);
      if (c !== 0x0a && c !== 0x0d) break;
      lineEnd--;
    }
    return Math.min(lineStart + Math.max(0, position.character), lineEnd);
  }
}
