// The checks BuildKit makes on the stage graph before it builds anything (dockerfile2llb's
// buildStageDependencyGraph): `COPY --from` without variables and with a valid stage index, and no
// cycle of stages copying from or mounting each other.

import type { DockerfileErrorCode, Instruction, Span, Stage } from './model';
import { processShellWord } from './shell';

export interface StageGraphError {
  readonly message: string;
  readonly code: DockerfileErrorCode;
  readonly span: Span;
}

export function stageGraphErrors(stages: readonly Stage[], escapeChar: '\\' | '`'): StageGraphError[] {
  const errors: StageGraphError[] = [];
  const byName = new Map<string, number>();
  for (const stage of stages) if (stage.name !== undefined) byName.set(stage.name, stage.index);
  // For each stage, the stages it depends on and the instruction that makes it depend.
  const deps: Array<Map<number, Instruction>> = stages.map(() => new Map());

  for (const stage of stages) {
    for (const instruction of stage.instructions) {
      const command = instruction.command;
      if (command?.kind === 'COPY' && command.from !== '') {
        const at = instruction.flags.find((f) => f.name === 'from') ?? instruction;
        // Without quotes, escapes or `$` the lexer returns the word as it is: skip it (most files).
        const plain = !/[$'"]/.test(command.from) && !command.from.includes(escapeChar);
        const expanded = plain
          ? { value: command.from, error: undefined }
          : processShellWord(command.from, undefined, { escapeChar });
        if (expanded.error !== undefined) {
          errors.push({ message: expanded.error, code: 'flag-value', span: at });
          continue;
        }
        if (expanded.value !== command.from) {
          errors.push({
            message:
              'variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround',
            code: 'flag-value',
            span: at,
          });
          continue;
        }
        const index = goAtoi(command.from);
        if (index === undefined) {
          const dep = byName.get(command.from.toLowerCase());
          if (dep !== undefined) deps[stage.index].set(dep, instruction);
        } else if (index < 0 || index >= stages.length) {
          errors.push({ message: `invalid stage index ${index}`, code: 'stage-reference', span: at });
        } else {
          deps[stage.index].set(index, instruction);
        }
      } else if (command?.kind === 'RUN') {
        for (const mount of command.mounts) {
          const dep = byName.get((mount.from || 'scratch').toLowerCase());
          if (dep !== undefined) deps[stage.index].set(dep, instruction);
        }
      }
    }
  }

  const cycle = findCycle(deps);
  if (cycle) {
    const stage = stages[cycle.stage];
    errors.push({
      message: `circular dependency detected on stage: ${stage.name ?? `stage-${stage.index}`}`,
      code: 'circular-dependency',
      span: cycle.instruction.flags.find((f) => f.name === 'from' || f.name === 'mount') ?? cycle.instruction,
    });
  }
  return errors;
}

/** BuildKit's validateCircularDependency: the first stage whose walk closes a loop. */
function findCycle(
  deps: Array<Map<number, Instruction>>,
): { stage: number; instruction: Instruction } | undefined {
  const visited = new Set<number>();
  const path = new Set<number>();
  const visit = (state: number, first: Instruction | undefined): Instruction | undefined => {
    if (visited.has(state)) return undefined;
    visited.add(state);
    path.add(state);
    for (const [dep, instruction] of deps[state]) {
      const start = first ?? instruction;
      if (path.has(dep)) return start;
      const found = visit(dep, start);
      if (found) return found;
    }
    path.delete(state);
    return undefined;
  };
  for (let state = 0; state < deps.length; state++) {
    const instruction = visit(state, undefined);
    if (instruction) return { stage: state, instruction };
  }
  return undefined;
}

/** Go's strconv.Atoi: an optionally signed decimal integer, or undefined. */
function goAtoi(s: string): number | undefined {
  return /^[+-]?[0-9]+$/.test(s) ? Number(s) : undefined;
}
