// Go's fmt renderings that BuildKit puts into history entries (`created_by`): %q of string
// slices and runes, time.Duration.String(), %v of maps and slices. A history entry written by
// Berth reads exactly as BuildKit's.
import { goQuote } from '../dockerfile';

/** `fmt.Sprintf("%q", []string{…})`: `["a" "b"]`. */
export function goQuoteList(values: readonly string[]): string {
  return `[${values.map(goQuote).join(' ')}]`;
}

/** `fmt.Sprintf("%v", []string{…})`: `[a b]`. */
export function goList(values: readonly string[]): string {
  return `[${values.join(' ')}]`;
}

/** `fmt.Sprintf("%v", map[string]struct{}{…})`: keys sorted, `map[a:{} b:{}]`. */
export function goSetMap(keys: readonly string[]): string {
  return `map[${[...keys]
    .sort()
    .map((k) => `${k}:{}`)
    .join(' ')}]`;
}

const runeEscapes: Record<number, string> = {
  7: '\\a',
  8: '\\b',
  9: '\\t',
  10: '\\n',
  11: '\\v',
  12: '\\f',
  13: '\\r',
  39: "\\'",
  92: '\\\\',
};

/** `fmt.Sprintf("%q", n)` for an int: a Go rune literal (`'\x00'`, `'A'`). */
export function goQuoteRune(n: number): string {
  if (runeEscapes[n]) return `'${runeEscapes[n]}'`;
  if (n < 0x20 || n === 0x7f) return `'\\x${n.toString(16).padStart(2, '0')}'`;
  if (n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return "'\\ufffd'";
  return `'${String.fromCodePoint(n)}'`;
}

/** Go's time.Duration.String() for a duration in nanoseconds. */
export function goDuration(ns: number): string {
  if (ns === 0) return '0s';
  const neg = ns < 0;
  let u = Math.abs(ns);
  let out: string;
  if (u < 1e9) {
    // Sub-second: the largest unit that keeps an integer part (ns, µs, ms).
    if (u < 1e3) out = `${u}ns`;
    else if (u < 1e6) out = `${fraction(u, 3)}µs`;
    else out = `${fraction(u, 6)}ms`;
  } else {
    const hours = Math.floor(u / 3.6e12);
    u -= hours * 3.6e12;
    const minutes = Math.floor(u / 6e10);
    u -= minutes * 6e10;
    const seconds = `${fraction(u, 9)}s`;
    out = hours > 0 ? `${hours}h${minutes}m${seconds}` : minutes > 0 ? `${minutes}m${seconds}` : seconds;
  }
  return neg ? `-${out}` : out;
}

/** `value / 10^digits` printed with trailing zeros of the fraction removed. */
function fraction(value: number, digits: number): string {
  const unit = 10 ** digits;
  const whole = Math.floor(value / unit);
  const rest = value - whole * unit;
  if (rest === 0) return String(whole);
  return `${whole}.${String(rest).padStart(digits, '0').replace(/0+$/, '')}`;
}
