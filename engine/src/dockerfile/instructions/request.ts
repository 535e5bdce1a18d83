// What every typed-instruction parser works from (BuildKit's parseRequest) and the helpers they
// share: argument-count checks, flag parsing against the instruction's accepted flags, failing
// with BuildKit's message and the span to underline.

import type { DockerfileErrorCode, Flag, Instruction, Span } from '../model';
import { parseFlags, type FlagValues } from './bflags';
import { flagsOf } from './metadata';

/** What BuildKit's parseRequest holds, taken from the syntax tree. */
export interface Request {
  readonly instruction: Instruction;
  /** BuildKit's nodeArgs: argument values (for ONBUILD: the trigger keyword and its arguments). */
  readonly args: readonly string[];
  readonly json: boolean;
}

/** Thrown by the parsers, turned into data by parseCommand. */
export class InstructionError extends Error {
  constructor(
    message: string,
    readonly code: DockerfileErrorCode,
    readonly span: Span,
  ) {
    super(message);
  }
}

export function argumentsSpan(req: Request): Span {
  return req.instruction.argsText ?? req.instruction.keyword;
}

export function fail(message: string, code: DockerfileErrorCode, span: Span): never {
  throw new InstructionError(message, code, span);
}

export function atLeastOne(req: Request, command: string): void {
  if (req.args.length === 0)
    fail(`${command} requires at least one argument`, 'arguments', argumentsSpan(req));
}

export function exactlyOne(req: Request, command: string): void {
  if (req.args.length !== 1)
    fail(`${command} requires exactly one argument`, 'arguments', argumentsSpan(req));
}

/** BFlags.Parse against the instruction's accepted flags. */
export function flagValues(req: Request): FlagValues {
  const result = parseFlags(req.instruction.flags, flagsOf(req.instruction.keyword.value));
  if ('error' in result) {
    const code = result.error.startsWith('unknown flag')
      ? 'unknown-flag'
      : result.error.startsWith('duplicate flag')
        ? 'duplicate-flag'
        : 'flag-value';
    fail(result.error, code, result.flag);
  }
  return result;
}

export function flagError(flag: Flag | undefined, req: Request, message: string): never {
  fail(message, 'flag-value', flag ?? req.instruction.keyword);
}
