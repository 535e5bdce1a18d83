// Makes the model's spans: from source offsets directly, or from indexes into an instruction's
// joined logical line through its segment map.

import type { LogicalLine } from './logicalLine';
import type { ArgumentRole } from './model';
import { ArgumentNode, SourceSpan, TokenNode } from './nodes';
import { LineIndex } from './text';

export class SourceText {
  readonly lines: LineIndex;

  /** `lines`: a line table to take over (already reset to `text`), else one is made. */
  constructor(
    readonly text: string,
    lines?: LineIndex,
  ) {
    this.lines = lines ?? new LineIndex(text);
  }

  span(start: number, end: number): SourceSpan {
    return new SourceSpan(this.lines, start, end);
  }

  token(start: number, end: number, value: string): TokenNode {
    return new TokenNode(this.lines, start, end, value);
  }

  // Start and end are mapped separately (no [start, end] pair): these run for every token of
  // every instruction, and each pair would be one more object for the garbage collector.

  spanIn(line: LogicalLine, start: number, end: number): SourceSpan {
    const s = line.sourceStart(start);
    return new SourceSpan(this.lines, s, endIn(line, start, end, s));
  }

  tokenIn(line: LogicalLine, start: number, end: number, value: string): TokenNode {
    const s = line.sourceStart(start);
    return new TokenNode(this.lines, s, endIn(line, start, end, s), value);
  }

  argumentIn(line: LogicalLine, start: number, end: number, value: string, role: ArgumentRole): ArgumentNode {
    const s = line.sourceStart(start);
    return new ArgumentNode(this.lines, s, endIn(line, start, end, s), value, role);
  }
}

/** The source offset ending the joined-line range `[start, end)` that starts at source offset `s`. */
export function endIn(line: LogicalLine, start: number, end: number, s: number): number {
  return end > start ? line.sourceEnd(end) : s;
}
