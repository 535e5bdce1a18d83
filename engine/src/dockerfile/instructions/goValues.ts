// Value syntaxes BuildKit reads with Go's standard library (durations, booleans, integers, sizes,
// CSV fields), with the same acceptance rules and error texts.

import { goQuote } from '../text';

export type Parsed<T> = { readonly value: T } | { readonly error: string };

const unitNanos: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3, // U+00B5
  μs: 1e3, // U+03BC
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Go's `time.ParseDuration`, in nanoseconds. */
export function parseGoDuration(s: string): Parsed<number> {
  const orig = s;
  const invalid = { error: `time: invalid duration ${goQuote(orig)}` };
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return { value: 0 };
  if (s === '') return invalid;
  let total = 0;
  while (s !== '') {
    const m = /^([0-9]*)(\.([0-9]*))?/.exec(s) as RegExpExecArray;
    const intPart = m[1];
    const fracPart = m[3] ?? '';
    if (intPart === '' && fracPart === '') return invalid; // no digits at all (".", "h")
    s = s.slice(m[0].length);
    let unitEnd = 0;
    while (unitEnd < s.length && s[unitEnd] !== '.' && (s[unitEnd] < '0' || s[unitEnd] > '9')) unitEnd++;
    const unit = s.slice(0, unitEnd);
    if (unit === '') return { error: `time: missing unit in duration ${goQuote(orig)}` };
    const scale = unitNanos[unit];
    if (scale === undefined)
      return { error: `time: unknown unit ${goQuote(unit)} in duration ${goQuote(orig)}` };
    s = s.slice(unitEnd);
    total += Number(intPart || '0') * scale + (fracPart ? Number('0.' + fracPart) * scale : 0);
    if (total > Number.MAX_SAFE_INTEGER * 1024) return invalid; // past int64 nanoseconds
  }
  return { value: Math.trunc(negative ? -total : total) };
}

/** Go's `strconv.ParseBool`. */
export function parseGoBool(s: string): boolean | undefined {
  switch (s) {
    case '1':
    case 't':
    case 'T':
    case 'TRUE':
    case 'true':
    case 'True':
      return true;
    case '0':
    case 'f':
    case 'F':
    case 'FALSE':
    case 'false':
    case 'False':
      return false;
  }
  return undefined;
}

/** Go's `strconv.ParseInt(s, 10, 32)` / `ParseUint(s, base, 32)` with its error texts. */
export function parseGoInt(s: string, options: { base: 8 | 10; signed: boolean }): Parsed<number> {
  const fn = options.signed ? 'ParseInt' : 'ParseUint';
  const digits = options.base === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  let body = s;
  let sign = 1;
  if (options.signed && (body.startsWith('-') || body.startsWith('+'))) {
    sign = body[0] === '-' ? -1 : 1;
    body = body.slice(1);
  }
  if (!digits.test(body)) return { error: `strconv.${fn}: parsing ${goQuote(s)}: invalid syntax` };
  const n = sign * parseInt(body, options.base);
  const [min, max] = options.signed ? [-2147483648, 2147483647] : [0, 4294967295];
  if (n < min || n > max) return { error: `strconv.${fn}: parsing ${goQuote(s)}: value out of range` };
  return { value: n };
}

const ramUnits: Record<string, number> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** docker/go-units `RAMInBytes`: `64m`, `1.5g`, `512kb`, `100` (binary multiples). */
export function parseRamInBytes(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(s);
  if (!m) return undefined;
  const size = Number(m[1]);
  if (!Number.isFinite(size)) return undefined;
  return Math.trunc(size * (m[2] ? ramUnits[m[2].toLowerCase()] : 1));
}

/** One CSV record as Go's encoding/csv reads it (`"` quoting, `""` inside quotes). */
export function parseCsvFields(s: string): Parsed<string[]> {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (s[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = s.indexOf('"', i);
        if (q < 0) return { error: 'extraneous or missing " in quoted-field' };
        value += s.slice(i, q);
        i = q + 1;
        if (s[i] === '"') {
          value += '"';
          i++;
        } else if (i === s.length || s[i] === ',') {
          break;
        } else {
          return { error: 'extraneous or missing " in quoted-field' };
        }
      }
      fields.push(value);
    } else {
      const comma = s.indexOf(',', i);
      const value = s.slice(i, comma < 0 ? s.length : comma);
      if (value.includes('"')) return { error: 'bare " in non-quoted-field' };
      fields.push(value);
      i = comma < 0 ? s.length : comma;
    }
    if (i >= s.length) return { value: fields };
    i++; // the comma
  }
}
