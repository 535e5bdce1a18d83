// The exec (JSON) form of an instruction, read the way Go's encoding/json reads it into `[]any`:
// the whole text must be valid JSON; a valid array with a non-string element is an error; anything
// else that is not valid JSON is simply not the JSON form. Element spans are kept for ranges.

import { isGoSpace } from './text';

export interface JsonElement {
  readonly value: string;
  /** Index of the opening quote. */
  readonly start: number;
  /** Index just after the closing quote. */
  readonly end: number;
}

export type JsonArrayResult =
  | { readonly kind: 'array'; readonly elements: readonly JsonElement[] }
  | { readonly kind: 'not-strings' }
  | { readonly kind: 'not-json' };

const NOT_JSON: JsonArrayResult = { kind: 'not-json' };
const MAX_DEPTH = 10000; // encoding/json's nesting limit

function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Reads `text[start, end)` as BuildKit's parseJSON does (leading Unicode spaces skipped). */
export function parseJsonArray(text: string, start: number, end: number): JsonArrayResult {
  let pos = start;
  while (pos < end && isGoSpace(text.charCodeAt(pos))) pos++;
  if (pos >= end || text.charCodeAt(pos) !== 0x5b /* [ */) return NOT_JSON;

  const elements: JsonElement[] = [];
  let allStrings = true;
  // Container stack: 0x5b for arrays, 0x7b for objects.
  const stack: number[] = [];
  // What the scanner expects next.
  const VALUE = 0;
  const VALUE_OR_CLOSE = 1;
  const COMMA_OR_CLOSE = 2;
  const KEY = 3;
  const KEY_OR_CLOSE = 4;
  const COLON = 5;
  let state = VALUE;

  for (;;) {
    while (pos < end && isJsonSpace(text.charCodeAt(pos))) pos++;
    if (pos >= end) {
      return stack.length === 0 && state === COMMA_OR_CLOSE && allStrings
        ? { kind: 'array', elements }
        : finish();
    }
    const c = text.charCodeAt(pos);
    if (stack.length === 0 && state === COMMA_OR_CLOSE) return NOT_JSON; // text after the value
    switch (state) {
      case VALUE:
      case VALUE_OR_CLOSE: {
        if (state === VALUE_OR_CLOSE && c === 0x5d /* ] */) {
          pos++;
          stack.pop();
          state = COMMA_OR_CLOSE;
          continue;
        }
        const topLevelElement = stack.length === 1;
        if (c === 0x22 /* " */) {
          const s = readString(text, pos, end);
          if (!s) return NOT_JSON;
          if (topLevelElement) elements.push({ value: s.value, start: pos, end: s.end });
          pos = s.end;
          state = COMMA_OR_CLOSE;
          continue;
        }
        if (topLevelElement) allStrings = false;
        if (c === 0x5b || c === 0x7b) {
          if (stack.length >= MAX_DEPTH) return NOT_JSON;
          stack.push(c);
          pos++;
          state = c === 0x5b ? VALUE_OR_CLOSE : KEY_OR_CLOSE;
          continue;
        }
        const after = readScalar(text, pos, end);
        if (after < 0) return NOT_JSON;
        pos = after;
        state = COMMA_OR_CLOSE;
        continue;
      }
      case COMMA_OR_CLOSE: {
        const top = stack[stack.length - 1];
        if (c === 0x2c /* , */) {
          pos++;
          state = top === 0x5b ? VALUE : KEY;
          continue;
        }
        if ((top === 0x5b && c === 0x5d) || (top === 0x7b && c === 0x7d)) {
          pos++;
          stack.pop();
          state = COMMA_OR_CLOSE;
          continue;
        }
        return NOT_JSON;
      }
      case KEY:
      case KEY_OR_CLOSE: {
        if (state === KEY_OR_CLOSE && c === 0x7d /* } */) {
          pos++;
          stack.pop();
          state = COMMA_OR_CLOSE;
          continue;
        }
        if (c !== 0x22) return NOT_JSON;
        const s = readString(text, pos, end);
        if (!s) return NOT_JSON;
        pos = s.end;
        state = COLON;
        continue;
      }
      case COLON:
        if (c !== 0x3a /* : */) return NOT_JSON;
        pos++;
        state = VALUE;
        continue;
    }
  }

  function finish(): JsonArrayResult {
    if (stack.length === 0 && state === COMMA_OR_CLOSE) return { kind: 'not-strings' };
    return NOT_JSON;
  }
}

/** A JSON string starting at the quote at `pos`; undefined when invalid. */
function readString(text: string, pos: number, end: number): { value: string; end: number } | undefined {
  let i = pos + 1;
  let value = '';
  let chunk = i;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      value += text.slice(chunk, i);
      return { value, end: i + 1 };
    }
    if (c < 0x20) return undefined;
    if (c !== 0x5c) {
      i++;
      continue;
    }
    value += text.slice(chunk, i);
    const e = text.charCodeAt(i + 1);
    i += 2;
    switch (e) {
      case 0x22:
        value += '"';
        break;
      case 0x5c:
        value += '\\';
        break;
      case 0x2f:
        value += '/';
        break;
      case 0x62:
        value += '\b';
        break;
      case 0x66:
        value += '\f';
        break;
      case 0x6e:
        value += '\n';
        break;
      case 0x72:
        value += '\r';
        break;
      case 0x74:
        value += '\t';
        break;
      case 0x75: {
        const u = hex4(text, i, end);
        if (u < 0) return undefined;
        i += 4;
        if (u >= 0xd800 && u < 0xe000) {
          // A surrogate pair combines; anything else becomes U+FFFD, as in Go.
          const low =
            text.charCodeAt(i) === 0x5c && text.charCodeAt(i + 1) === 0x75 ? hex4(text, i + 2, end) : -1;
          if (u < 0xdc00 && low >= 0xdc00 && low < 0xe000) {
            value += String.fromCharCode(u, low);
            i += 6;
          } else {
            value += '\ufffd';
          }
        } else {
          value += String.fromCharCode(u);
        }
        break;
      }
      default:
        return undefined;
    }
    chunk = i;
  }
  return undefined;
}

function hex4(text: string, i: number, end: number): number {
  if (i + 4 > end) return -1;
  let n = 0;
  for (let k = 0; k < 4; k++) {
    const c = text.charCodeAt(i + k);
    let d: number;
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (c >= 0x61 && c <= 0x66) d = c - 0x57;
    else if (c >= 0x41 && c <= 0x46) d = c - 0x37;
    else return -1;
    n = n * 16 + d;
  }
  return n;
}

/** A number or `true`/`false`/`null` at `pos`; returns the index after it, or -1. */
function readScalar(text: string, pos: number, end: number): number {
  for (const word of ['true', 'false', 'null']) {
    if (text.startsWith(word, pos) && pos + word.length <= end) return pos + word.length;
  }
  let i = pos;
  const digit = (k: number) => {
    const c = text.charCodeAt(k);
    return k < end && c >= 0x30 && c <= 0x39;
  };
  if (text.charCodeAt(i) === 0x2d) i++;
  if (!digit(i)) return -1;
  if (text.charCodeAt(i) === 0x30) i++;
  else while (digit(i)) i++;
  if (i < end && text.charCodeAt(i) === 0x2e) {
    i++;
    if (!digit(i)) return -1;
    while (digit(i)) i++;
  }
  if (i < end && (text.charCodeAt(i) === 0x65 || text.charCodeAt(i) === 0x45)) {
    i++;
    if (i < end && (text.charCodeAt(i) === 0x2b || text.charCodeAt(i) === 0x2d)) i++;
    if (!digit(i)) return -1;
    while (digit(i)) i++;
  }
  return i;
}
