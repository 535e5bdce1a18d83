// BuildKit's splitCommand/extractBuilderFlags: the keyword, then the `--flag` words before the
// arguments (quotes and escapes removed, a bare `--` ends the flags), with the span of each part.

import type { LogicalLine } from './logicalLine';
import type { Flag } from './model';
import { FlagNode, none } from './nodes';
import { endIn, type SourceText } from './source';
import { isGoSpace, isSplitSpace } from './text';

export interface SplitCommand {
  /** Joined-line index range of the keyword. */
  readonly keywordStart: number;
  readonly keywordEnd: number;
  readonly flags: readonly Flag[];
  /** Joined-line index range of the arguments (trimmed); empty when there are none. */
  readonly argsStart: number;
  readonly argsEnd: number;
}

export function splitCommand(
  line: LogicalLine,
  from: number,
  to: number,
  escape: number,
  src: SourceText,
): SplitCommand {
  const text = line.text;
  // Go's strings.TrimSpace bounds, without allocating a pair.
  let start = from;
  let end = to;
  while (start < end && isGoSpace(text.charCodeAt(start))) start++;
  while (end > start && isGoSpace(text.charCodeAt(end - 1))) end--;
  let keywordEnd = start;
  while (keywordEnd < end && !isSplitSpace(text.charCodeAt(keywordEnd))) keywordEnd++;
  if (keywordEnd >= end) {
    return { keywordStart: start, keywordEnd, flags: none, argsStart: end, argsEnd: end };
  }
  let rest = keywordEnd;
  while (rest < end && isSplitSpace(text.charCodeAt(rest))) rest++;
  let argsStart = rest;
  while (argsStart < end && isGoSpace(text.charCodeAt(argsStart))) argsStart++;
  // Most instructions have no flags: no list for them.
  const flags: Flag[] | undefined = text.charCodeAt(argsStart) === 0x2d ? [] : undefined;
  if (flags) {
    argsStart = extractFlags(line, argsStart, end, escape, src, flags);
    while (argsStart < end && isGoSpace(text.charCodeAt(argsStart))) argsStart++;
  }
  return {
    keywordStart: start,
    keywordEnd,
    flags: flags && flags.length > 0 ? flags : none,
    argsStart,
    argsEnd: end,
  };
}

/** Reads flag words from `from`; returns where the arguments start (`end` if the line had only flags). */
function extractFlags(
  line: LogicalLine,
  from: number,
  end: number,
  escape: number,
  src: SourceText,
  flags: Flag[],
): number {
  const text = line.text;
  let pos = from;
  for (;;) {
    while (pos < end && isGoSpace(text.charCodeAt(pos))) pos++;
    if (pos >= end) return end;
    if (text.charCodeAt(pos) !== 0x2d || pos + 1 >= end || text.charCodeAt(pos + 1) !== 0x2d) return pos;

    // A flag word: quotes group, the escape character takes the next character literally.
    const wordStart = pos;
    const plainEnd = plainWordEnd(text, pos, end, escape);
    if (plainEnd >= 0) {
      // No quotes or escapes (nearly every flag): the word is its own value.
      const value = text.slice(pos, plainEnd);
      const eq = text.indexOf('=', pos);
      pos = plainEnd;
      if (value === '--') return pos < end ? pos : end; // `--` ends the flags
      flags.push(makeFlag(line, src, wordStart, pos, eq >= 0 && eq < pos ? eq : -1, value));
      continue;
    }
    let value = '';
    let eq = -1; // joined index of the first `=` of the processed word
    let quote = 0;
    let quoted = false;
    while (pos < end) {
      let c = text.charCodeAt(pos);
      if (quote === 0) {
        if (isGoSpace(c)) break;
        if (c === 0x27 || c === 0x22) {
          quote = c;
          quoted = true;
          pos++;
          continue;
        }
      } else if (c === quote) {
        quote = 0;
        pos++;
        continue;
      }
      if (c === escape) {
        if (pos + 1 >= end) {
          pos++;
          if (quote !== 0) quote = 0;
          continue;
        }
        pos++;
        c = text.charCodeAt(pos);
      }
      if (c === 0x3d && eq < 0) eq = pos;
      value += text[pos];
      pos++;
    }
    if (value === '--') {
      return pos < end ? pos : end; // `--` ends the flags
    }
    if (value.length > 0 || quoted) flags.push(makeFlag(line, src, wordStart, pos, eq, value));
  }
}

/** The end of the word at `from` if it has no quotes or escape characters, else -1. */
function plainWordEnd(text: string, from: number, end: number, escape: number): number {
  let pos = from;
  while (pos < end) {
    const c = text.charCodeAt(pos);
    if (isGoSpace(c)) break;
    if (c === 0x27 || c === 0x22 || c === escape) return -1;
    pos++;
  }
  return pos;
}

function makeFlag(
  line: LogicalLine,
  src: SourceText,
  start: number,
  end: number,
  eq: number,
  text: string,
): Flag {
  const s = line.sourceStart(start);
  const e = endIn(line, start, end, s);
  const cut = text.indexOf('=');
  const name = (cut < 0 ? text : text.slice(0, cut)).slice(2);
  const nameEnd = eq < 0 ? end : eq;
  return new FlagNode(
    src.lines,
    s,
    e,
    text,
    name,
    src.spanIn(line, Math.min(start + 2, nameEnd), nameEnd),
    cut < 0 ? undefined : text.slice(cut + 1),
    cut < 0 ? undefined : src.spanIn(line, eq + 1, end),
  );
}
