// An instruction's logical line: its physical lines joined as BuildKit joins them (continuation
// characters, comments and empty lines removed), with a map from each joined character back to
// its offset in the source, so that every token found in the joined text gets an exact range.

export class LogicalLine {
  /** The joined text BuildKit parses. */
  declare text: string;
  /** Joined index where each segment starts. */
  declare private readonly joinedStarts: number[];
  /** Source offset where each segment starts. */
  declare private readonly sourceStarts: number[];

  // Assigned here rather than as class fields: V8 (Node 20) runs field initialisers slowly, and
  // there is one logical line per instruction.
  constructor() {
    this.text = '';
    this.joinedStarts = [];
    this.sourceStarts = [];
  }

  /** Appends the source range `[start, end)` of `source` as the next segment. */
  append(source: string, start: number, end: number): void {
    this.joinedStarts.push(this.text.length);
    this.sourceStarts.push(start);
    this.text += source.slice(start, end);
  }

  /** The source offset of the joined character at `index` (a token's start). */
  sourceStart(index: number): number {
    const seg = this.segmentFor(index, false);
    return this.sourceStarts[seg] + index - this.joinedStarts[seg];
  }

  /** The source offset just after the joined character at `index - 1` (a token's exclusive end). */
  sourceEnd(index: number): number {
    if (index <= 0) return this.sourceStart(0);
    const seg = this.segmentFor(index, true);
    return this.sourceStarts[seg] + index - this.joinedStarts[seg];
  }

  private segmentFor(index: number, isEnd: boolean): number {
    const starts = this.joinedStarts;
    const last = starts.length - 1;
    if (last <= 0) return 0;
    // The segment with the greatest start < index (for an end) or <= index (for a start).
    let lo = 0;
    let hi = last;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      const s = starts[mid];
      if (isEnd ? s < index : s <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
