// Helpers shared by several rules: BuildKit-style "did you mean" suggestions, Go-style quoting
// for messages that BuildKit formats with %q, and where to find each rule's documentation.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

/** BuildKit's suggest.Search: the closest option within edit distance 2, unless one matches exactly. */
export function didYouMean(
  value: string,
  options: Iterable<string>,
  caseSensitive = true,
): string | undefined {
  const needle = caseSensitive ? value : value.toLowerCase();
  let best: string | undefined;
  let bestDistance = 3;
  for (const option of options) {
    const candidate = caseSensitive ? option : option.toLowerCase();
    if (candidate === needle) return undefined;
    const distance = levenshtein(needle, candidate);
    if (distance < bestDistance) {
      best = option;
      bestDistance = distance;
    }
  }
  return best;
}

let previousRow = new Uint16Array(64);
let currentRow = new Uint16Array(64);

/** Edit distance, capped at 3 (all "did you mean" needs). */
function levenshtein(a: string, b: string): number {
  if (Math.abs(a.length - b.length) >= 3) return 3;
  if (b.length + 1 > previousRow.length) {
    previousRow = new Uint16Array(b.length + 1);
    currentRow = new Uint16Array(b.length + 1);
  }
  for (let j = 0; j <= b.length; j++) previousRow[j] = j;
  for (let i = 1; i <= a.length; i++) {
    currentRow[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const value = Math.min(previousRow[j] + 1, currentRow[j - 1] + 1, previousRow[j - 1] + cost);
      currentRow[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin >= 3) return 3;
    [previousRow, currentRow] = [currentRow, previousRow];
  }
  return previousRow[b.length];
}

/** Go's %q for the plain strings rule messages quote. */
export function goQuoted(value: string): string {
  return JSON.stringify(value);
}

/** BuildKit's documentation page for one of its checks. */
export function buildkitRuleUrl(slug: string): string {
  return `https://docs.docker.com/go/dockerfile/rule/${slug}/`;
}

let rulesDoc: string | undefined;

/** Our rules are documented in docs/rules.md, shipped with the extension and the standalone server. */
export function berthRuleUrl(name: string): string {
  rulesDoc ??= findRulesDoc();
  return `${rulesDoc}#${name.toLowerCase()}`;
}

function findRulesDoc(): string {
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, 'docs', 'rules.md');
    if (existsSync(candidate)) return pathToFileURL(candidate).href;
    const parent = path.dirname(dir);
    if (parent === dir) return 'https://docs.docker.com/build/building/best-practices/';
    dir = parent;
  }
}
