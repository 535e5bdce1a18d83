// Parser directives (`# syntax=…`, `# escape=…`, `# check=…`), recognised as BuildKit's
// DirectiveParser does: `#`, optional spaces, a known name, `=`, a value trimmed of spaces.

import type { Directive, DirectiveName } from './model';
import { DirectiveNode } from './nodes';
import type { SourceText } from './source';
import { isGoSpace } from './text';

const directiveRe = /^([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*([^\n]+?)[\t\n\f\r ]*$/d;
const knownDirectives: ReadonlySet<string> = new Set<DirectiveName>(['syntax', 'escape', 'check']);

/** The directive on the line `text[start, end)` (leading spaces already skipped), if it is one. */
export function directiveAt(
  text: string,
  start: number,
  end: number,
  src: SourceText,
): Directive | undefined {
  if (start >= end || text.charCodeAt(start) !== 0x23) return undefined;
  let bodyStart = start + 1;
  while (bodyStart < end && isGoSpace(text.charCodeAt(bodyStart))) bodyStart++;
  const m = directiveRe.exec(text.slice(bodyStart, end));
  if (!m || !m.indices) return undefined;
  const name = m[1].toLowerCase();
  if (!knownDirectives.has(name)) return undefined;
  const [nameStart, nameEnd] = m.indices[1];
  const [valueStart, valueEnd] = m.indices[2];
  return new DirectiveNode(
    src.lines,
    start,
    end,
    name as DirectiveName,
    src.token(bodyStart + nameStart, bodyStart + nameEnd, m[1]),
    m[2],
    src.token(bodyStart + valueStart, bodyStart + valueEnd, m[2]),
  );
}
