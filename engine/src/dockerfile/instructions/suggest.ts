// BuildKit's "did you mean …?" suggestions (util/suggest): the closest option within an edit
// distance of 2, counted in code points as BuildKit counts runes. Options are tried in the order
// given (BuildKit's own order is a Go map's).
//
// Every unknown instruction asks for one, and a broken line continuation turns whole runs of
// shell lines into unknown instructions with long first words: the search skips options whose
// length alone rules them out and stops a distance table once no cell can beat the best so far,
// filling buffers it keeps instead of arrays per option.

/** The code points of a text, in a buffer reused from one text to the next. */
class CodePoints {
  points = new Int32Array(64);

  read(text: string): number {
    if (this.points.length < text.length) this.points = new Int32Array(text.length * 2);
    let count = 0;
    for (let i = 0; i < text.length; i++) {
      const point = text.codePointAt(i)!;
      if (point > 0xffff) i++;
      this.points[count++] = point;
    }
    return count;
  }
}

const valuePoints = new CodePoints();
const optionPoints = new CodePoints();
let previousRow = new Int32Array(64);
let currentRow = new Int32Array(64);

/**
 * The edit distance between the first `n` of `a` and the first `m` of `b`, or `limit` when it is
 * `limit` or more. A row's smallest cell never decreases in the rows after it, so once it reaches
 * `limit` the distance does too.
 */
function distanceBelow(a: Int32Array, n: number, b: Int32Array, m: number, limit: number): number {
  if (previousRow.length <= m) {
    previousRow = new Int32Array(2 * m + 2);
    currentRow = new Int32Array(2 * m + 2);
  }
  let prev = previousRow;
  let row = currentRow;
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= n; i++) {
    row[0] = i;
    let smallest = i;
    const ai = a[i - 1];
    for (let j = 1; j <= m; j++) {
      const cell = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ai === b[j - 1] ? 0 : 1));
      row[j] = cell;
      if (cell < smallest) smallest = cell;
    }
    if (smallest >= limit) return limit;
    const swap = prev;
    prev = row;
    row = swap;
  }
  return Math.min(prev[m], limit);
}

/**
 * The closest option to `value`, or undefined (also when `value` is itself an option), in the
 * case the caller gave it. Rule messages quote it as it is listed.
 */
export function closestOption(
  value: string,
  options: Iterable<string>,
  caseSensitive: boolean,
): string | undefined {
  const val = caseSensitive ? value : value.toLowerCase();
  const n = valuePoints.read(val);
  let match: string | undefined;
  let minDistance = 3;
  for (const option of options) {
    const opt = caseSensitive ? option : option.toLowerCase();
    if (opt === val) return undefined;
    // The distance is at least the difference in length, and an option has at most as many code
    // points as UTF-16 units: a long word is ruled out against short options before any counting.
    if (n - opt.length >= minDistance) continue;
    const m = optionPoints.read(opt);
    if (Math.abs(n - m) >= minDistance) continue;
    const distance = distanceBelow(valuePoints.points, n, optionPoints.points, m, minDistance);
    if (distance < minDistance) {
      match = option;
      minDistance = distance;
    }
  }
  return match;
}

/**
 * BuildKit's suggestion: the closest option, and without case sensitivity in the case of `value`
 * (all lower, all upper, or the option's lower case).
 */
export function suggest(
  value: string,
  options: Iterable<string>,
  caseSensitive: boolean,
): string | undefined {
  const match = closestOption(value, options, caseSensitive);
  return match === undefined || caseSensitive ? match : matchCase(match.toLowerCase(), value);
}

function matchCase(option: string, original: string): string {
  if (original === original.toLowerCase()) return option.toLowerCase();
  if (original === original.toUpperCase()) return option.toUpperCase();
  return option;
}

/** `message` with BuildKit's ` (did you mean x?)` when there is a close option. */
export function withSuggestion(
  message: string,
  value: string,
  options: Iterable<string>,
  caseSensitive: boolean,
) {
  const match = suggest(value, options, caseSensitive);
  return match === undefined ? message : `${message} (did you mean ${match}?)`;
}
