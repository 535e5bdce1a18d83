// What `${V<op>word}` evaluates to, as BuildKit computes it: the default/alternative/required
// operators, and the shell wildcard patterns of `${V#p}`, `${V%p}`, `${V/p/r}` (`*` and `?` turned
// into a regular expression, no bracket expressions, Go regexp match semantics).

export interface PatternError {
  readonly error: string;
}

/**
 * `${name<op>word}` for the operators `-`, `+`, `?`, `#`, `##`, `%`, `%%` (each also after `:`,
 * `nullIsUnset`); `value` is undefined when the variable is unset; `modifier` is the operator as
 * written, for the error text.
 */
export function applyModifier(
  name: string,
  value: string | undefined,
  op: string,
  nullIsUnset: boolean,
  word: string,
  modifier: string,
): string | PatternError {
  const unset = value === undefined || (nullIsUnset && value === '');
  switch (op) {
    case '-':
      return unset ? word : (value as string);
    case '+':
      return unset ? '' : word;
    case '?':
      if (value === undefined)
        return { error: `${name}: ${word !== '' ? word : 'is not allowed to be unset'}` };
      if (nullIsUnset && value === '')
        return { error: `${name}: ${word !== '' ? word : 'is not allowed to be empty'}` };
      return value;
    case '%':
    case '#': {
      // `%`/`#` take the shortest match, `%%`/`##` the longest.
      const greedy = word.length > 0 && word[0] === op;
      const pattern = greedy ? word.slice(1) : word;
      const trimmed =
        op === '%' ? trimSuffix(pattern, value ?? '', greedy) : trimPrefix(pattern, value ?? '', greedy);
      return typeof trimmed === 'string'
        ? trimmed
        : { error: `invalid pattern (${pattern}) in substitution: ${trimmed.error}` };
    }
    default:
      return { error: `unsupported modifier (${modifier}) in substitution` };
  }
}

/** `${V/pattern/replacement}` (first match) and `${V//pattern/replacement}` (every match). */
export function applyReplacement(
  value: string,
  pattern: string,
  replacement: string,
  all: boolean,
): string | PatternError {
  const re = patternToRegExp(pattern, true, false);
  if (!(re instanceof RegExp)) return { error: `invalid pattern (${pattern}) in substitution: ${re.error}` };
  return all ? replaceAllGo(re, value, replacement) : replaceFirst(re, value, replacement);
}

/** Go's `.`: any character but a newline (JS `.` also refuses `\r`, U+2028 and U+2029). */
const ANY = '[^\\n]';
const regexpSpecials = new Set(['[', ']', '{', '}', '.', '+', '(', ')', '|', '^', '$']);

/** BuildKit's convertShellPatternToRegex. */
export function patternToRegExp(pattern: string, greedy: boolean, anchored: boolean): RegExp | PatternError {
  let out = anchored ? '^' : '';
  const star = greedy ? ANY + '*' : ANY + '*?';
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    let ch = chars[i];
    if (ch === '*') {
      out += star;
      continue;
    }
    if (ch === '?') {
      out += ANY;
      continue;
    }
    if (ch === '\\') {
      const nextCh = chars[i + 1];
      // `}` and `/` are escaped to get them into ${…}; the escape is not part of the pattern.
      if (nextCh === '}' || nextCh === '/') continue;
      i++;
      ch = chars[i];
      if (ch !== '*' && ch !== '?' && ch !== '\\') return { error: `invalid escape '\\${ch ?? '\ufffd'}'` };
      out += '\\' + ch;
      continue;
    }
    if (regexpSpecials.has(ch)) out += '\\';
    out += ch;
  }
  try {
    return new RegExp(out, 'gu');
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function firstMatch(re: RegExp, value: string, from = 0): [number, number] | undefined {
  re.lastIndex = from;
  const m = re.exec(value);
  return m ? [m.index, m.index + m[0].length] : undefined;
}

export function trimPrefix(pattern: string, value: string, greedy: boolean): string | PatternError {
  const re = patternToRegExp(pattern, greedy, true);
  if (!(re instanceof RegExp)) return re;
  const m = firstMatch(re, value);
  return m ? value.slice(m[1]) : value;
}

/** Reverses a pattern by code points, keeping each `\x` escape pair in order. */
export function reversePattern(pattern: string): string {
  const chars = Array.from(pattern);
  const out: string[] = new Array(chars.length);
  const last = chars.length - 1;
  for (let i = 0; i <= last;) {
    const outIndex = last - i;
    if (chars[i] === '\\' && i !== last) {
      out[outIndex - 1] = '\\';
      out[outIndex] = chars[i + 1];
      i += 2;
    } else {
      out[outIndex] = chars[i];
      i++;
    }
  }
  return out.join('');
}

function reverseString(s: string): string {
  return Array.from(s).reverse().join('');
}

export function trimSuffix(pattern: string, value: string, greedy: boolean): string | PatternError {
  // The shortest rightmost match is found as the leftmost match of the reversed pattern.
  const trimmed = trimPrefix(reversePattern(pattern), reverseString(value), greedy);
  return typeof trimmed === 'string' ? reverseString(trimmed) : trimmed;
}

/** `${V/p/r}`: the first match replaced literally. */
export function replaceFirst(re: RegExp, value: string, replacement: string): string {
  const m = firstMatch(re, value);
  return m ? value.slice(0, m[0]) + replacement + value.slice(m[1]) : value;
}

/**
 * `${V//p/r}` with Go's `ReplaceAllString`: no replacement for an empty match right after a
 * match, and `$name`/`${name}`/`$$` in the replacement expanded as Go's `Expand` does.
 */
export function replaceAllGo(re: RegExp, value: string, replacement: string): string {
  let out = '';
  let lastMatchEnd = 0;
  let searchPos = 0;
  while (searchPos <= value.length) {
    const m = firstMatch(re, value, searchPos);
    if (!m) break;
    out += value.slice(lastMatchEnd, m[0]);
    if (m[1] > lastMatchEnd || m[0] === 0) out += expandTemplate(replacement, value.slice(m[0], m[1]));
    lastMatchEnd = m[1];
    const c = value.charCodeAt(searchPos);
    const width = searchPos < value.length && c >= 0xd800 && c <= 0xdbff ? 2 : 1;
    if (searchPos + width > m[1]) searchPos += width;
    else if (searchPos + 1 > m[1]) searchPos++;
    else searchPos = m[1];
  }
  return out + value.slice(lastMatchEnd);
}

const templateName = /^[\p{L}\p{Nd}_]+/u;

/** Go's regexp `Expand` for a pattern without groups: `$0` is the match, other names are empty. */
function expandTemplate(template: string, match: string): string {
  let out = '';
  let rest = template;
  for (;;) {
    const dollar = rest.indexOf('$');
    if (dollar < 0) break;
    out += rest.slice(0, dollar);
    rest = rest.slice(dollar + 1);
    if (rest.startsWith('$')) {
      out += '$';
      rest = rest.slice(1);
      continue;
    }
    let name: string | undefined;
    if (rest.startsWith('{')) {
      const close = rest.indexOf('}');
      const inner = close > 0 ? rest.slice(1, close) : '';
      if (inner !== '' && templateName.exec(inner)?.[0] === inner) {
        name = inner;
        rest = rest.slice(close + 1);
      }
    } else {
      const m = templateName.exec(rest);
      if (m) {
        name = m[0];
        rest = rest.slice(name.length);
      }
    }
    if (name === undefined) {
      out += '$'; // malformed: the dollar is literal
      continue;
    }
    if (/^[0-9]+$/.test(name) && Number(name) === 0) out += match;
  }
  return out + rest;
}
