// Makes the model's spans: from source offsets directly, or from indexes into an instruction's
// joined logical line through its segment map.

import type { LogicalLine } from './logicalLine';
import type { ArgumentRole } from './model';
import { ArgumentNode, SourceSpan, TokenNode } from './nodes';
import { LineIndex } from './text';

export class SourceText {
  readonly lines: LineIndex;

  constructor(readonly text: string) {
    this.lines = new LineIndex(text);
  }

  span(start: number, end: number): SourceSpan {
    return new SourceSpan(this.lines, start, end);
  }

  token(start: number, end: number, value: string): TokenNode {
    return new TokenNode(this.lines, start, end, value);
  }

  /** Source offsets of the joined-line index range `[start, end)`. */
  offsetsIn(line: LogicalLine, start: number, end: number): [number, number] {
    const s = line.sourceStart(start);
    return [s, end > start ? line.sourceEnd(end) : s];
  }

  spanIn(line: LogicalLine, start: number, end: number): SourceSpan {
    const [s, e] = this.offsetsIn(line, start, end);
    return new SourceSpan(this.lines, s, e);
  }

  tokenIn(line: LogicalLine, start: number, end: number, value: string): TokenNode {
    const [s, e] = this.offsetsIn(line, start, end);
    return new TokenNode(this.lines, s, e, value);
  }

  argumentIn(line: LogicalLine, start: number, end: number, value: string, role: ArgumentRole): ArgumentNode {
    const [s, e] = this.offsetsIn(line, start, end);
    return new ArgumentNode(this.lines, s, e, value, role);
  }
}
