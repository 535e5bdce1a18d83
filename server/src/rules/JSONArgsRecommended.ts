import { tokenizeShell } from '../analysis/shell';
import type { Instruction, Stage } from '../../../engine/src/dockerfile/model';
import type { Rule, RuleContext } from './rule';
import { buildkitRuleUrl } from './support';

/** Characters that make a command line need a shell; without them JSON form means the same. */
const shellSyntax = /[$`|&;<>(){}*?[\]~#\n\\]/;

/** The exec-form equivalent of a shell-form command line, when it has one. */
export function jsonForm(command: string): string | undefined {
  if (shellSyntax.test(command)) return undefined;
  const { commands } = tokenizeShell(command, 0, command.length);
  if (commands.length !== 1) return undefined;
  return `[${commands[0].words.map((w) => JSON.stringify(w.value)).join(', ')}]`;
}

/** True when a SHELL instruction precedes `instruction` in its stage or in the stages it builds on. */
function shellChanged(context: RuleContext, stage: Stage, instruction: Instruction): boolean {
  for (let current: Stage | undefined = stage; current; current = context.symbols.baseStage(current)) {
    for (const i of current.instructions) {
      if (current === stage && i.startOffset >= instruction.startOffset) break;
      if (i.name === 'SHELL') return true;
    }
  }
  return false;
}

export const JSONArgsRecommended: Rule = {
  name: 'JSONArgsRecommended',
  source: 'buildkit',
  description:
    'JSON arguments recommended for ENTRYPOINT/CMD to prevent unintended behavior related to OS signals',
  url: buildkitRuleUrl('json-args-recommended'),
  severity: 'warning',
  hadolint: ['DL3025'],
  fix: 'Rewrites a simple command line (no shell syntax) in JSON form.',
  check(context) {
    for (const { instruction, stage } of context.instructions()) {
      if (instruction.name !== 'CMD' && instruction.name !== 'ENTRYPOINT') continue;
      if (!stage || instruction.form !== 'shell' || !instruction.argsText) continue;
      if (shellChanged(context, stage, instruction)) continue;
      const json = jsonForm(instruction.argsText.value);
      context.report(
        instruction.keyword,
        `JSON arguments recommended for ${instruction.keyword.value} to prevent unintended behavior related to OS signals`,
        {
          fixes: json
            ? [
                {
                  title: `Use JSON form: ${json}`,
                  edits: [{ range: instruction.argsText.range, newText: json }],
                  preferred: true,
                },
              ]
            : [],
        },
      );
    }
  },
};
