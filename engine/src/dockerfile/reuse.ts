// What a parse leaves for the parse of the next version of the same text (an editor sends one per
// edit): the instructions at the start of the file that the edit did not touch are taken over as
// they are, nodes, typed commands and errors included, and the parser starts reading after them.
//
// An instruction is taken over only when every character the parser read to make it, up to and
// including the line break that closed it, is unchanged: what the parser builds from those
// characters is then the same by construction (the parser reads forward only, and the state it
// carries from one instruction to the next is here). An instruction the end of the text closed
// (a continuation or heredoc still open, no final line break) is always read again.

import type { Comment, Directive, DockerfileError, Instruction, Span } from './model';
import type { LineIndex } from './text';

/** The parser's state after each instruction, for a later parse to resume from. */
export class ParseReuse {
  /** Set once a later parse took this over: its nodes now belong to that parse. */
  consumed = false;

  constructor(
    readonly text: string,
    readonly lines: LineIndex,
    readonly escape: number,
    readonly directives: readonly Directive[],
    readonly seenDirectives: ReadonlySet<string>,
    readonly instructions: readonly Instruction[],
    readonly comments: readonly Comment[],
    readonly emptyContinuationLines: readonly Span[],
    /** Errors found while reading the text, in the order found (before the typed layer's). */
    readonly scanErrors: readonly DockerfileError[],
    /**
     * Per instruction: the offset the parser read up to, and how long each list was then. Plain
     * arrays: small typed arrays cost more to make (a backing store each) than they save.
     */
    readonly resumeAt: readonly number[],
    readonly commentsAfter: readonly number[],
    readonly emptyLinesAfter: readonly number[],
    readonly scanErrorsAfter: readonly number[],
    /** Instructions BuildKit's parser refuses (the typed layer skips them), by index. */
    readonly refused: ReadonlySet<number>,
    /** The typed layer's error for an instruction, by index. */
    readonly instructionErrors: ReadonlyMap<number, DockerfileError>,
  ) {}

  private lastCompared: { text: string; same: number } | undefined;

  /** How many leading characters `text` shares with the text parsed (remembered for the last text). */
  unchangedLength(text: string): number {
    if (this.lastCompared?.text !== text) {
      this.lastCompared = { text, same: commonPrefixLength(this.text, text) };
    }
    return this.lastCompared.same;
  }

  /**
   * How many leading instructions `text` can take over (0 when none or already taken over). Does
   * not take them: see `consumed`.
   */
  reusableCount(text: string): number {
    if (this.consumed) return 0;
    const old = this.text;
    const same = this.unchangedLength(text);
    const resumeAt = this.resumeAt;
    let count = 0;
    // `< old.length`: the parser stopped on what it read, not on the end of the text.
    while (count < resumeAt.length && resumeAt[count] <= same && resumeAt[count] < old.length) count++;
    return count;
  }
}

/** Length of the longest common prefix of `a` and `b`. */
export function commonPrefixLength(a: string, b: string): number {
  const limit = Math.min(a.length, b.length);
  // Whole chunks first: comparing two slices runs natively, a character loop would not.
  const chunk = 4096;
  let same = 0;
  while (same + chunk <= limit && a.slice(same, same + chunk) === b.slice(same, same + chunk)) same += chunk;
  while (same < limit && a.charCodeAt(same) === b.charCodeAt(same)) same++;
  return same;
}
