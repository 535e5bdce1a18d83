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

function levenshtein(a: string, b: string): number {
  if (Math.abs(a.length - b.length) >= 3) return 3;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
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
