// Finds `$NAME` and `${NAME…}` references in a piece of text the way BuildKit's shell lexer would
// meet them (single quotes hide them, the escape character hides the next character, `${…}` words
// nest), reporting indexes only; the parser maps them to source spans.

import type { VariableOperator } from './model';

export interface FoundReference {
  readonly start: number;
  readonly end: number;
  readonly nameStart: number;
  readonly nameEnd: number;
  readonly braced: boolean;
  readonly operator: VariableOperator | undefined;
  /** Index range of the operator's word inside the braces. */
  readonly wordStart: number;
  readonly wordEnd: number;
}

export interface ScanOptions {
  readonly escapeChar: number;
  /** Process quotes (single quotes hide references); false for heredoc bodies of COPY/ADD. */
  readonly quotes: boolean;
}

const SPECIAL_PARAMS = '@*#?-$!0';

/** Appends every reference in `text[start, end)` to `out`, in source order. */
export function scanVariableReferences(
  text: string,
  start: number,
  end: number,
  options: ScanOptions,
  out: FoundReference[],
): void {
  // Fast path: most arguments have no `$` at all. Looked for within the range only: `text` may be
  // the whole document, and a search running on to the next `$` anywhere in it would make
  // scanning every flag value and heredoc body quadratic in the file size.
  let first = start;
  while (first < end && text.charCodeAt(first) !== 0x24) first++;
  if (first >= end) return;
  new Scanner(text, end, options, out).scan(start, -1);
}

class Scanner {
  declare private readonly text: string;
  declare private readonly end: number;
  declare private readonly options: ScanOptions;
  declare private readonly out: FoundReference[];

  // Plain assignments, not parameter properties: V8 (Node 20) runs class-field initialisers slowly.
  constructor(text: string, end: number, options: ScanOptions, out: FoundReference[]) {
    this.text = text;
    this.end = end;
    this.options = options;
    this.out = out;
  }

  /** Scans from `i` until `stop` (a char code, -1 for the end); returns the index after the stop. */
  scan(i: number, stop: number): number {
    const { text, end } = this;
    const escape = this.options.escapeChar;
    const quotes = this.options.quotes;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c === stop) return i + 1;
      if (c === 0x24 /* $ */) {
        i = this.reference(i);
      } else if (quotes && c === 0x27 /* ' */) {
        const close = text.indexOf("'", i + 1);
        i = close < 0 || close >= end ? end : close + 1;
      } else if (quotes && c === 0x22 /* " */) {
        i = this.doubleQuoted(i + 1);
      } else if (c === escape) {
        i += 2;
      } else {
        i++;
      }
    }
    return end;
  }

  private doubleQuoted(i: number): number {
    const { text, end } = this;
    const escape = this.options.escapeChar;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c === 0x22) return i + 1;
      if (c === 0x24) i = this.reference(i);
      else if (c === escape) i += 2;
      else i++;
    }
    return end;
  }

  /** A reference at the `$` at `i`; returns the index after it (or after the `$` if none). */
  private reference(i: number): number {
    const { text, end } = this;
    if (text.charCodeAt(i + 1) !== 0x7b /* { */) {
      const nameEnd = this.name(i + 1);
      if (nameEnd === i + 1) return i + 1;
      this.out.push({
        start: i,
        end: nameEnd,
        nameStart: i + 1,
        nameEnd,
        braced: false,
        operator: undefined,
        wordStart: nameEnd,
        wordEnd: nameEnd,
      });
      return nameEnd;
    }
    const nameStart = i + 2;
    const firstChar = text.charCodeAt(nameStart);
    if (nameStart >= end || firstChar === 0x7b || firstChar === 0x7d || firstChar === 0x3a) return i + 2;
    const nameEnd = this.name(nameStart);
    if (nameEnd === nameStart) return this.scan(nameStart, 0x7d); // `${.}`: a bad substitution, no name
    const index = this.out.length;
    this.out.push(undefined as unknown as FoundReference); // keep source order: nested refs follow
    let operator: VariableOperator | undefined;
    let wordStart = nameEnd;
    let close: number;
    const c = text.charCodeAt(nameEnd);
    if (nameEnd >= end) {
      close = end;
    } else if (c === 0x7d /* } */) {
      close = nameEnd + 1;
    } else {
      [operator, wordStart] = this.operator(nameEnd);
      close = this.scan(wordStart, 0x7d);
    }
    const wordEnd = close > wordStart && text.charCodeAt(close - 1) === 0x7d ? close - 1 : close;
    this.out[index] = {
      start: i,
      end: close,
      nameStart,
      nameEnd,
      braced: true,
      operator,
      wordStart,
      wordEnd: Math.max(wordStart, wordEnd),
    };
    return close;
  }

  private operator(i: number): [VariableOperator | undefined, number] {
    const text = this.text;
    const c = text[i];
    const next = text[i + 1];
    switch (c) {
      case ':':
        if (next === '-' || next === '+' || next === '?') return [(':' + next) as VariableOperator, i + 2];
        return [':', i + 1];
      case '#':
      case '%':
      case '/':
        if (next === c) return [(c + c) as VariableOperator, i + 2];
        return [c as VariableOperator, i + 1];
      case '-':
      case '+':
      case '?':
        return [c as VariableOperator, i + 1];
      default:
        return [undefined, i]; // an unsupported modifier: BuildKit reports it when expanding
    }
  }

  /** End of a name starting at `i` (letters, digits, `_`; all digits; or one special parameter). */
  private name(i: number): number {
    const { text, end } = this;
    if (i >= end) return i;
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      while (i < end && isAsciiDigit(text.charCodeAt(i))) i++;
      return i;
    }
    if (SPECIAL_PARAMS.includes(text[i])) return i + 1;
    while (i < end) {
      const d = text.charCodeAt(i);
      if (isAsciiNameChar(d)) i++;
      else if (d >= 0x80 && /^[\p{L}\p{Nd}]/u.test(text.slice(i, i + 2)))
        i += d >= 0xd800 && d <= 0xdbff ? 2 : 1;
      else break;
    }
    return i;
  }
}

function isAsciiDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isAsciiNameChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
}
