// Turns offsets into the model's spans: source offsets directly, or indexes into an instruction's
// joined logical line through its segment map.

import type { LogicalLine } from './logicalLine';
import type { Span, Token } from './model';
import { LineIndex } from './text';

export class SourceText {
  readonly lines: LineIndex;

  constructor(readonly text: string) {
    this.lines = new LineIndex(text);
  }

  span(start: number, end: number): Span {
    return { range: this.lines.rangeOf(start, end), startOffset: start, endOffset: end };
  }

  token(start: number, end: number, value: string): Token {
    return { range: this.lines.rangeOf(start, end), startOffset: start, endOffset: end, value };
  }

  /** Source offsets of the joined-line index range `[start, end)`. */
  offsetsIn(line: LogicalLine, start: number, end: number): [number, number] {
    const s = line.sourceStart(start);
    return [s, end > start ? line.sourceEnd(end) : s];
  }

  spanIn(line: LogicalLine, start: number, end: number): Span {
    const [s, e] = this.offsetsIn(line, start, end);
    return this.span(s, e);
  }

  tokenIn(line: LogicalLine, start: number, end: number, value: string): Token {
    const [s, e] = this.offsetsIn(line, start, end);
    return this.token(s, e, value);
  }
}
