// Stages (FROM … up to the next FROM), the global ARGs before the first FROM, and the Dockerfile
// object with its position helpers.

import type {
  Comment,
  Directive,
  Dockerfile,
  DockerfileError,
  Instruction,
  Position,
  Span,
  Stage,
} from './model';
import { StageNode } from './nodes';
import type { ParseReuse } from './reuse';
import type { SourceText } from './source';

export function buildStages(
  instructions: readonly Instruction[],
  src: SourceText,
): { stages: Stage[]; globalArgs: Instruction[] } {
  const stages: Stage[] = [];
  const globalArgs: Instruction[] = [];
  let current: { from: Instruction; body: Instruction[] } | undefined;
  const close = () => {
    // body.slice(): an exact copy, without the room push left (the model keeps it).
    if (current) stages.push(makeStage(stages.length, current.from, current.body.slice(), src));
  };
  for (const instruction of instructions) {
    if (instruction.name === 'FROM') {
      close();
      current = { from: instruction, body: [] };
    } else if (current) {
      current.body.push(instruction);
    } else if (instruction.name === 'ARG') {
      globalArgs.push(instruction);
    }
  }
  close();
  return { stages, globalArgs };
}

function makeStage(index: number, from: Instruction, body: Instruction[], src: SourceText): Stage {
  const args = from.args;
  const named = args.length === 3 && args[1].value.toLowerCase() === 'as';
  const last = body.length > 0 ? body[body.length - 1] : from;
  return new StageNode(
    src.lines,
    from.startOffset,
    last.endOffset,
    index,
    from,
    named ? args[2].value.toLowerCase() : undefined,
    named ? args[2] : undefined,
    args.length > 0 ? args[0] : undefined,
    from.flags.find((f) => f.name === 'platform'),
    body,
  );
}

export interface DockerfileParts {
  readonly escapeChar: '\\' | '`';
  readonly directives: readonly Directive[];
  readonly comments: readonly Comment[];
  readonly instructions: readonly Instruction[];
  readonly globalArgs: readonly Instruction[];
  readonly stages: readonly Stage[];
  readonly emptyContinuationLines: readonly Span[];
  readonly errors: readonly DockerfileError[];
}

export class DockerfileImpl implements Dockerfile {
  readonly text: string;
  readonly escapeChar: '\\' | '`';
  readonly directives: readonly Directive[];
  readonly comments: readonly Comment[];
  readonly instructions: readonly Instruction[];
  readonly globalArgs: readonly Instruction[];
  readonly stages: readonly Stage[];
  readonly emptyContinuationLines: readonly Span[];
  readonly errors: readonly DockerfileError[];

  constructor(
    private readonly src: SourceText,
    /** For the parse of the next version of this text (see reuse.ts); not part of the model. */
    readonly reuse: ParseReuse,
    parts: DockerfileParts,
  ) {
    this.text = src.text;
    this.escapeChar = parts.escapeChar;
    this.directives = parts.directives;
    this.comments = parts.comments;
    this.instructions = parts.instructions;
    this.globalArgs = parts.globalArgs;
    this.stages = parts.stages;
    this.emptyContinuationLines = parts.emptyContinuationLines;
    this.errors = parts.errors;
  }

  get lineCount(): number {
    return this.src.lines.lineCount;
  }

  positionAt(offset: number): Position {
    return this.src.lines.positionAt(offset);
  }

  offsetAt(position: Position): number {
    return this.src.lines.offsetAt(position);
  }

  instructionAt(offset: number): Instruction | undefined {
    return spanAt(this.instructions, offset);
  }

  stageAt(offset: number): Stage | undefined {
    return spanAt(this.stages, offset);
  }
}

/** The span (sorted, not overlapping) with start <= offset <= end, by binary search. */
function spanAt<T extends Span>(spans: readonly T[], offset: number): T | undefined {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = spans[mid];
    if (offset < s.startOffset) hi = mid - 1;
    else if (offset > s.endOffset) lo = mid + 1;
    else return s;
  }
  return undefined;
}
