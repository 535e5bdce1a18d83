// The S-expression dump of BuildKit's `Node.Dump()`, used to check the parser against BuildKit's
// own test cases and handy to see what the parser made of a file.

import type { Dockerfile, Instruction } from './model';
import { goQuote, goTrimSpace } from './text';

/** One instruction as BuildKit dumps it: `run ["--mount=…"] "echo hi"`. */
export function dumpInstruction(instruction: Instruction): string {
  let out = instruction.keyword.value.toLowerCase();
  if (instruction.flags.length > 0)
    out += ' [' + instruction.flags.map((f) => goQuote(f.text)).join(' ') + ']';
  if (instruction.trigger) {
    out += ' (' + dumpInstruction(instruction.trigger) + ')';
  } else if (!instruction.known) {
    out += ' ""'; // BuildKit keeps an empty argument node for instructions it does not know
  } else {
    for (const arg of instruction.args) out += ' ' + goQuote(arg.value);
  }
  return goTrimSpace(out);
}

/** The whole file as BuildKit dumps its AST (without the final newline its tests add). */
export function dumpDockerfile(dockerfile: Dockerfile): string {
  let out = '';
  for (const instruction of dockerfile.instructions) out += '(' + dumpInstruction(instruction) + ')\n';
  return goTrimSpace(out);
}
