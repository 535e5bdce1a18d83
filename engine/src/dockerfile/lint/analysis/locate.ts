// What lies under a position: the instruction, and within it the keyword, a flag (name or value),
// an argument, a heredoc, or the directive block. Hover, completion and signature help start here.
import type { Argument, Directive, Dockerfile, Flag, Instruction, Stage } from '../../model';
import { touches } from './spans';

export type Place =
  | { readonly kind: 'directive'; readonly directive: Directive; readonly part: 'name' | 'value' }
  | { readonly kind: 'keyword'; readonly instruction: Instruction; readonly top: Instruction }
  | {
      readonly kind: 'flagName';
      readonly instruction: Instruction;
      readonly flag: Flag;
      readonly top: Instruction;
    }
  | {
      readonly kind: 'flagValue';
      readonly instruction: Instruction;
      readonly flag: Flag;
      readonly top: Instruction;
    }
  | {
      readonly kind: 'argument';
      readonly instruction: Instruction;
      readonly argument: Argument;
      readonly index: number;
      readonly top: Instruction;
    }
  | { readonly kind: 'heredoc'; readonly instruction: Instruction; readonly top: Instruction }
  | { readonly kind: 'other'; readonly instruction: Instruction; readonly top: Instruction };

export function locate(dockerfile: Dockerfile, offset: number): Place | undefined {
  for (const directive of dockerfile.directives) {
    if (touches(directive.nameToken, offset)) return { kind: 'directive', directive, part: 'name' };
    if (touches(directive.valueToken, offset)) return { kind: 'directive', directive, part: 'value' };
  }
  const top = dockerfile.instructionAt(offset);
  if (!top) return undefined;
  const instruction = top.trigger && offset >= top.trigger.keyword.startOffset ? top.trigger : top;
  if (touches(instruction.keyword, offset)) return { kind: 'keyword', instruction, top };
  for (const heredoc of instruction.heredocs) {
    if (heredoc.body.startOffset <= offset && offset <= (heredoc.terminator ?? heredoc.body).endOffset) {
      return { kind: 'heredoc', instruction, top };
    }
  }
  for (const flag of instruction.flags) {
    if (touches(flag.nameSpan, offset) || offset === flag.startOffset)
      return { kind: 'flagName', instruction, flag, top };
    if (flag.valueSpan && touches(flag.valueSpan, offset))
      return { kind: 'flagValue', instruction, flag, top };
  }
  const index = instruction.args.findIndex((a) => touches(a, offset));
  if (index >= 0) return { kind: 'argument', instruction, argument: instruction.args[index], index, top };
  return { kind: 'other', instruction, top };
}

/** The stage whose FROM is the last one at or before `offset`. */
export function stageBefore(dockerfile: Dockerfile, offset: number): Stage | undefined {
  let found: Stage | undefined;
  for (const stage of dockerfile.stages) {
    if (stage.startOffset > offset) break;
    found = stage;
  }
  return found;
}
