// Go's filepath.Match, which COPY and ADD sources use for wildcards (`*`, `?`, `[a-z]`, `[^…]`,
// `\` escapes), compiled once to a regular expression. A malformed pattern is reported the way Go
// reports it ("syntax error in pattern").

export class BadPatternError extends Error {
  override name = 'BadPatternError';
  constructor(readonly pattern: string) {
    super(`syntax error in pattern: ${JSON.stringify(pattern)}`);
  }
}

/** True when the pattern has a character Go's Match treats specially. */
export function hasWildcards(pattern: string): boolean {
  return /[*?[\\]/.test(pattern);
}

const regexSpecial = /[.*+?^${}()|[\]\\/-]/g;

function escapeRegex(c: string): string {
  return c.replace(regexSpecial, '\\$&');
}

/** Compiles one pattern (matching a whole name, `/` never matched by a wildcard). */
export function compileMatch(pattern: string): RegExp {
  let out = '^';
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === '*') {
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '\\') {
      i++;
      if (i >= chars.length) throw new BadPatternError(pattern);
      out += escapeRegex(chars[i]);
    } else if (c === '[') {
      i++;
      let negate = false;
      if (chars[i] === '^') {
        negate = true;
        i++;
      }
      const ranges: string[] = [];
      let first = true;
      for (;;) {
        if (i >= chars.length) throw new BadPatternError(pattern);
        if (chars[i] === ']' && !first) break;
        first = false;
        const lo = classChar(chars, i, pattern);
        i = lo.next;
        let hi = lo;
        if (chars[i] === '-') {
          hi = classChar(chars, i + 1, pattern);
          i = hi.next;
          if (hi.char < lo.char) throw new BadPatternError(pattern);
        }
        ranges.push(
          lo.char === hi.char ? escapeRegex(lo.char) : `${escapeRegex(lo.char)}-${escapeRegex(hi.char)}`,
        );
      }
      // A class never matches the separator, negated or not (Go's Match).
      out += negate ? `(?!/)[^${ranges.join('')}]` : `[${ranges.join('')}]`;
    } else {
      out += escapeRegex(c);
    }
  }
  return new RegExp(`${out}$`, 'su');
}

function classChar(chars: string[], i: number, pattern: string): { char: string; next: number } {
  let c = chars[i];
  if (c === undefined || c === '-' || c === ']') throw new BadPatternError(pattern);
  if (c === '\\') {
    i++;
    c = chars[i];
    if (c === undefined) throw new BadPatternError(pattern);
  }
  return { char: c, next: i + 1 };
}
