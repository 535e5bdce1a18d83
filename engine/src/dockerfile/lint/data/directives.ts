// Parser directives (`# name=value` lines at the very top of a Dockerfile): what completion and
// hover say about them. Predefined build arguments come from the parser's instruction metadata.
import { predefinedArgs } from '../..';

export { predefinedArgs };

export interface DirectiveDoc {
  readonly name: string;
  readonly summary: string;
  readonly url: string;
  readonly values: readonly string[];
}

const reference = 'https://docs.docker.com/reference/dockerfile/';

export const directiveDocs: readonly DirectiveDoc[] = [
  {
    name: 'syntax',
    summary:
      'The Dockerfile frontend image BuildKit uses to build this file, e.g. `docker/dockerfile:1` for the latest stable syntax.',
    url: `${reference}#syntax`,
    values: [
      'docker/dockerfile:1',
      'docker/dockerfile:1-labs',
      'docker/dockerfile:1.7',
      'docker/dockerfile:1.4',
    ],
  },
  {
    name: 'escape',
    summary:
      'The escape character for line continuations and escapes: `\\` (default) or `` ` `` (handy on Windows, where `\\` separates paths).',
    url: `${reference}#escape`,
    values: ['\\', '`'],
  },
  {
    name: 'check',
    summary:
      'Configures build checks: `skip=<Rule>,<Rule>` or `skip=all` turns checks off, `error=true` makes any hit fail the build, `experimental=<Rule>|all` enables experimental checks. Separate settings with `;`.',
    url: `${reference}#check`,
    values: ['skip=', 'error=true', 'experimental=all'],
  },
];

export function directiveDoc(name: string): DirectiveDoc | undefined {
  return directiveDocs.find((d) => d.name === name.toLowerCase());
}

/** Platform ARGs every build defines in the global scope (usable in FROM without a declaration). */
export const automaticPlatformArgs: ReadonlySet<string> = new Set(
  [...predefinedArgs.keys()].filter((name) => !/proxy$/i.test(name)),
);
