// Reading a build's progress stream (classic /build JSON messages): the text to show, the step being
// run, the image made, and where in the Dockerfile an error belongs. No `vscode` here.
import type { ProgressMessage } from '../engine/progress';

export interface BuildStep {
  /** 1-based, counting every top-level instruction in file order (the classic builder's "Step N/M"). */
  readonly number: number;
  readonly total: number;
  readonly text: string;
}

const STEP = /^Step (\d+)\/(\d+) : (.*)$/m;
const SUCCESS = /^Successfully built ([0-9a-f]{12,64})\s*$/m;
// Where engines name a line themselves: the classic parser ("Dockerfile parse error line 3: …",
// "… on line 3") and BuildKit-style references ("Dockerfile:3", "Dockerfile:3-5").
const LINE_IN_MESSAGE = [
  /parse error (?:on )?line (\d+)/i,
  /\bDockerfile(?:\.[\w.-]+)?:(\d+)(?:-\d+)?\b/,
  /\bon line (\d+)\b/i,
];

export class BuildOutputReader {
  private currentStep: BuildStep | undefined;
  private builtId: string | undefined;
  /** Step headers arrive split over messages ("Step 2/3 : RUN x" then "\n"); keep the partial line. */
  private partialLine = '';

  /** The step running when the latest output arrived. */
  get step(): BuildStep | undefined {
    return this.currentStep;
  }

  /** The image ID once the build reported it. */
  get imageId(): string | undefined {
    return this.builtId;
  }

  /** Takes one message and returns the text to show (may be ''). Errors are the caller's to handle. */
  read(message: ProgressMessage): string {
    if (message.aux?.ID) this.builtId = message.aux.ID;
    const text =
      message.stream ?? (message.status ? `${message.status}${message.id ? ` ${message.id}` : ''}\n` : '');
    const lines = (this.partialLine + text).split('\n');
    this.partialLine = lines.pop() ?? '';
    for (const line of [...lines, this.partialLine]) {
      const step = STEP.exec(line);
      if (step) this.currentStep = { number: Number(step[1]), total: Number(step[2]), text: step[3].trim() };
      const success = SUCCESS.exec(line);
      if (success && !this.builtId) this.builtId = success[1];
    }
    return text;
  }
}

/** Top-level instructions of the Dockerfile: start line (0-based) and text, in file order. */
export interface InstructionLine {
  readonly line: number;
  readonly text: string;
}

/**
 * The 0-based Dockerfile line an error belongs to: the line the engine names, else the instruction of
 * the step that was running (step N is the N-th top-level instruction). Undefined when neither says.
 */
export function locateBuildError(
  message: string,
  step: BuildStep | undefined,
  instructions: readonly InstructionLine[],
): number | undefined {
  for (const pattern of LINE_IN_MESSAGE) {
    const m = pattern.exec(message);
    if (m) return Math.max(0, Number(m[1]) - 1);
  }
  if (step && step.number >= 1 && step.number <= instructions.length)
    return instructions[step.number - 1].line;
  return undefined;
}

/**
 * The line printed for a build error, in the form the `berth-build` problem matcher reads:
 * `<file>:<line>:<column>: error: <message>` (1-based line and column).
 */
export function problemLine(file: string, line: number | undefined, message: string): string {
  return `${file}:${(line ?? 0) + 1}:1: error: ${message.replace(/\s*\n\s*/g, ' ').trim()}`;
}
