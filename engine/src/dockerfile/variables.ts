// Variable references of an instruction, with spans: in its arguments (found in the joined line,
// so comments inside continuations do not confuse quoting), its flag values and its heredoc bodies.

import type { LogicalLine } from './logicalLine';
import type { Instruction, VariableReference } from './model';
import { none, VariableReferenceNode } from './nodes';
import { endIn, type SourceText } from './source';
import { FoundReference, scanVariableReferences } from './variableScan';

/** Exec-form arguments of these are not expanded by anyone (no shell, no BuildKit expansion). */
const execFormUnexpanded = new Set(['RUN', 'CMD', 'ENTRYPOINT', 'SHELL', 'HEALTHCHECK']);
/** BuildKit never expands these arguments. */
const neverExpanded = new Set(['MAINTAINER', 'ONBUILD']);

const BACKSLASH = 0x5c;

/**
 * References in an instruction's arguments and flag values. `argsStart`/`argsEnd` index the joined
 * line. Heredoc bodies are added by `heredocVariables` once the bodies are read.
 */
export function argumentVariables(
  instruction: Pick<Instruction, 'name' | 'known' | 'form' | 'args' | 'flags' | 'trigger'>,
  line: LogicalLine,
  argsStart: number,
  argsEnd: number,
  escapeChar: number,
  src: SourceText,
): readonly VariableReference[] {
  // Most instructions have no `$` at all: share one empty list.
  if (instruction.flags.length === 0 && !instruction.trigger && line.text.indexOf('$', argsStart) < 0)
    return none;
  const out: VariableReference[] = [];
  for (const flag of instruction.flags) {
    if (flag.valueSpan) {
      scanSource(src, flag.valueSpan.startOffset, flag.valueSpan.endOffset, escapeChar, true, out);
    }
  }
  if (instruction.trigger) {
    out.push(...instruction.trigger.variables);
  } else if (instruction.known && !neverExpanded.has(instruction.name)) {
    if (instruction.form === 'json') {
      if (!execFormUnexpanded.has(instruction.name)) {
        for (const arg of instruction.args)
          scanSource(src, arg.startOffset + 1, arg.endOffset - 1, escapeChar, true, out);
      }
    } else if (argsStart < argsEnd) {
      const found: FoundReference[] = [];
      scanVariableReferences(line.text, argsStart, argsEnd, { escapeChar, quotes: true }, found);
      for (const ref of found) out.push(toReference(ref, line.text, line, src));
    }
  }
  // An exact copy: the model keeps this list, and one grown by push keeps room for 17.
  return out.length > 0 ? out.slice() : none;
}

/** References in expandable heredoc bodies (RUN bodies follow shell quoting; COPY/ADD bodies do not). */
export function heredocVariables(instruction: Instruction, src: SourceText): VariableReference[] {
  const out: VariableReference[] = [];
  const owner = instruction.trigger ?? instruction;
  const quotes = owner.name === 'RUN';
  for (const heredoc of instruction.heredocs) {
    if (heredoc.expand)
      scanSource(src, heredoc.body.startOffset, heredoc.body.endOffset, BACKSLASH, quotes, out);
  }
  return out;
}

function scanSource(
  src: SourceText,
  start: number,
  end: number,
  escapeChar: number,
  quotes: boolean,
  out: VariableReference[],
): void {
  if (end <= start) return;
  const found: FoundReference[] = [];
  scanVariableReferences(src.text, start, end, { escapeChar, quotes }, found);
  for (const ref of found) out.push(toReference(ref, src.text, undefined, src));
}

/** A found reference as a node; `line` maps its indexes to source offsets (none: they are offsets). */
function toReference(
  ref: FoundReference,
  scanned: string,
  line: LogicalLine | undefined,
  src: SourceText,
): VariableReference {
  let start = ref.start;
  let end = ref.end;
  let nameStart = ref.nameStart;
  let nameEnd = ref.nameEnd;
  if (line) {
    start = line.sourceStart(ref.start);
    end = endIn(line, ref.start, ref.end, start);
    nameStart = line.sourceStart(ref.nameStart);
    nameEnd = endIn(line, ref.nameStart, ref.nameEnd, nameStart);
  }
  return new VariableReferenceNode(
    src.lines,
    start,
    end,
    scanned.slice(ref.nameStart, ref.nameEnd),
    src.span(nameStart, nameEnd),
    ref.braced,
    ref.operator,
    ref.operator !== undefined ? scanned.slice(ref.wordStart, ref.wordEnd) : undefined,
  );
}
