// Helpers shared by several rules: BuildKit-style "did you mean" suggestions, Go-style quoting
// for messages that BuildKit formats with %q, and where to find each rule's documentation.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { closestOption } from '../../instructions/suggest';

/**
 * BuildKit's suggest.Search: the closest option within edit distance 2 (in code points, as BuildKit
 * counts runes), unless one matches exactly; the option as it is listed.
 */
export function didYouMean(
  value: string,
  options: Iterable<string>,
  caseSensitive = true,
): string | undefined {
  return closestOption(value, options, caseSensitive);
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
