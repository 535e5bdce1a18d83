// An instruction's logical line: its physical lines joined as BuildKit joins them (continuation
// characters, comments and empty lines removed), with a map from each joined character back to
// its offset in the source, so that every token found in the joined text gets an exact range.

export class LogicalLine {
  /** The joined text BuildKit parses. */
  declare text: string;
  /** Source offset where the first segment starts. */
  declare private firstSourceStart: number;
  /**
   * Joined index and source offset where each segment after the first starts; undefined while
   * the line has one segment, as most instructions do (no arrays to allocate for them).
   */
  declare private joinedStarts: number[] | undefined;
  declare private sourceStarts: number[] | undefined;

  // Assigned here rather than as class fields: V8 (Node 20) runs field initialisers slowly, and
  // there is one logical line per instruction.
  constructor() {
    this.text = '';
    this.firstSourceStart = -1;
    this.joinedStarts = undefined;
    this.sourceStarts = undefined;
  }

  /** Appends the source range `[start, end)` of `source` as the next segment. */
  append(source: string, start: number, end: number): void {
    if (this.firstSourceStart < 0) {
      this.firstSourceStart = start;
    } else {
      this.joinedStarts ??= [0];
      this.sourceStarts ??= [this.firstSourceStart];
      this.joinedStarts.push(this.text.length);
      this.sourceStarts.push(start);
    }
    this.text += source.slice(start, end);
  }

  /** The source offset of the joined character at `index` (a token's start). */
  sourceStart(index: number): number {
    return this.sourceOffset(index, false);
  }

  /** The source offset just after the joined character at `index - 1` (a token's exclusive end). */
  sourceEnd(index: number): number {
    if (index <= 0) return this.sourceStart(0);
    return this.sourceOffset(index, true);
  }

  private sourceOffset(index: number, isEnd: boolean): number {
    const starts = this.joinedStarts;
    if (starts === undefined) return this.firstSourceStart + index;
    // The segment with the greatest start < index (for an end) or <= index (for a start).
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      const s = starts[mid];
      if (isEnd ? s < index : s <= index) lo = mid;
      else hi = mid - 1;
    }
    return this.sourceStarts![lo] + index - starts[lo];
  }
}
