// Heredoc markers (`<<EOF`, `<<-'EOF'`, `3<<EOF`) in an instruction line, recognised exactly as
// BuildKit does: the line is split into shell words (quotes and escapes kept), and each word that
// matches `^(\d*)<<(-?)\s*([^<]*)$` with a single-word delimiter is a heredoc.

import { processShellWord, shellWordsWithPositions } from './shell';

export interface HeredocMarker {
  /** Delimiter with quotes removed. */
  readonly name: string;
  readonly chomp: boolean;
  readonly expand: boolean;
  readonly fileDescriptor: number;
  /** Length of the marker prefix before the delimiter (`3<<- ` is 5). */
  readonly prefixLength: number;
}

const markerRe = /^([0-9]*)<<(-?)[\t\n\f\r ]*([^<]*)$/;

/**
 * BuildKit's ParseHeredoc: the heredoc a word denotes, undefined if it is not one, or an error
 * text (for example an unterminated quote in the delimiter).
 */
export function parseHeredocWord(word: string): HeredocMarker | undefined | { error: string } {
  const m = markerRe.exec(word);
  if (!m) return undefined;
  const rest = m[3];
  if (rest.length === 0) return undefined;
  const plain = processShellWord(rest, undefined, { skipUnsetEnv: true });
  if (plain.error !== undefined) return { error: plain.error };
  if (plain.words.length !== 1) return undefined;
  const raw = processShellWord(rest, undefined, { skipUnsetEnv: true, rawQuotes: true });
  if (raw.error !== undefined) return { error: raw.error };
  if (raw.words.length !== plain.words.length) {
    return { error: `internal lexing of heredoc produced inconsistent results: ${rest}` };
  }
  const name = plain.words[0];
  const fd = m[1] === '' ? 0 : Number(m[1]);
  return {
    name,
    chomp: m[2] === '-',
    // Any quote removed from the delimiter means the body is literal.
    expand: countQuotes(name) === countQuotes(raw.words[0]),
    fileDescriptor: Number.isSafeInteger(fd) ? fd : 0,
    prefixLength: word.length - rest.length,
  };
}

function countQuotes(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x27 || c === 0x22) n++;
  }
  return n;
}

export interface LocatedHeredocMarker extends HeredocMarker {
  /** Index of the marker word in the line. */
  readonly start: number;
  readonly end: number;
}

/** BuildKit's heredocsFromLine: every heredoc marker of a line, or the first error. */
export function heredocMarkersInLine(line: string): LocatedHeredocMarker[] | { error: string } {
  const words = shellWordsWithPositions(line, undefined, {
    skipUnsetEnv: true,
    rawQuotes: true,
    rawEscapes: true,
  });
  const markers: LocatedHeredocMarker[] = [];
  for (const word of words) {
    if (word.value.indexOf('<<') < 0) continue;
    const marker = parseHeredocWord(word.value);
    if (marker === undefined) continue;
    if ('error' in marker) return marker;
    markers.push({
      name: marker.name,
      chomp: marker.chomp,
      expand: marker.expand,
      fileDescriptor: marker.fileDescriptor,
      prefixLength: marker.prefixLength,
      start: word.start,
      end: word.end,
    });
  }
  return markers;
}

/** BuildKit's ChompHeredocContent: leading tabs removed from every line. */
export function chompHeredocContent(content: string): string {
  // Go's (?m)^ starts a line after `\n` only (JS's would also after `\r`).
  let out = '';
  let i = 0;
  while (i < content.length) {
    while (content.charCodeAt(i) === 0x09) i++;
    const nl = content.indexOf('\n', i);
    const next = nl < 0 ? content.length : nl + 1;
    out += content.slice(i, next);
    i = next;
  }
  return out;
}
