import { cleanPath, PatternMatcher, readIgnoreFile } from '../..';
import { contextDirectory, type BuildContextFiles } from '../environment';
import type { Rule } from './rule';
import { buildkitRuleUrl, goQuoted } from './support';

const matchers = new Map<string, PatternMatcher | undefined>();

/** The .dockerignore that applies to a Dockerfile built with its directory as the context. */
function ignoreFileText(files: BuildContextFiles, uri: string): string | undefined {
  const context = contextDirectory(uri);
  if (!context) return undefined;
  const name = uri.slice(uri.lastIndexOf('/') + 1);
  // BuildKit prefers `<Dockerfile name>.dockerignore` next to the Dockerfile.
  return files.read(`${context}${name}.dockerignore`) ?? files.read(`${context}.dockerignore`);
}

function compiled(text: string): PatternMatcher | undefined {
  if (!matchers.has(text)) {
    const compiled = PatternMatcher.create(readIgnoreFile(text).map((l) => l.pattern));
    if (matchers.size > 50) matchers.clear();
    matchers.set(text, compiled instanceof PatternMatcher ? compiled : undefined);
  }
  return matchers.get(text);
}

/** BuildKit warns about copying the whole context only for patterns that exclude every entry. */
function ignoresEverything(text: string): boolean {
  return readIgnoreFile(text).some((l) => l.pattern === '*' || l.pattern === '**' || l.pattern === '**/*');
}

export const CopyIgnoredFile: Rule = {
  name: 'CopyIgnoredFile',
  source: 'buildkit',
  description: 'Attempting to Copy file that is excluded by .dockerignore',
  url: buildkitRuleUrl('copy-ignored-file'),
  severity: 'warning',
  check(context) {
    const files = context.environment.files;
    if (!files) return;
    const ignoreText = ignoreFileText(files, context.document.uri);
    const matcher = ignoreText === undefined ? undefined : compiled(ignoreText);
    // With `!` exceptions a directory may be excluded while files in it are not: BuildKit does not guess.
    if (!matcher || matcher.exclusions) return;
    for (const { instruction } of context.instructions('COPY', 'ADD')) {
      if (instruction.flags.some((f) => f.name === 'from')) continue;
      const sources = instruction.args.filter((a) => !a.value.startsWith('<<')).slice(0, -1);
      for (const source of sources) {
        const raw = source.value;
        if (raw.includes('$') || /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) || raw.startsWith('git@')) continue;
        const path = cleanPath(raw);
        if (path === '.' || path === '/') {
          if (!ignoresEverything(ignoreText!)) continue;
        } else if (!matcher.matchesOrParentMatches(path.replace(/^\//, ''))) continue;
        const verb = instruction.name === 'ADD' ? 'Add' : 'Copy';
        context.report(
          source,
          `Attempting to ${verb} file ${goQuoted(path)} that is excluded by .dockerignore`,
        );
      }
    }
  },
};
