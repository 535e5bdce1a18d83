// BuildKit's "did you mean …?" suggestions (util/suggest): the closest option within an edit
// distance of 2. Options are tried in the order given (BuildKit's own order is a Go map's).

function levenshtein(a: readonly string[], b: readonly string[]): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}

/** The closest option to `value`, or undefined (also when `value` is itself an option). */
export function suggest(
  value: string,
  options: Iterable<string>,
  caseSensitive: boolean,
): string | undefined {
  const val = caseSensitive ? value : value.toLowerCase();
  const valChars = Array.from(val);
  let match: string | undefined;
  let minDistance = 3;
  for (const option of options) {
    const opt = caseSensitive ? option : option.toLowerCase();
    if (opt === val) return undefined;
    const distance = levenshtein(valChars, Array.from(opt));
    if (distance < minDistance) {
      match = caseSensitive ? opt : matchCase(opt, value);
      minDistance = distance;
    }
  }
  return match;
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
