import { tokenizeShell } from '../analysis/shell';
import type { Stage } from '../../model';
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

/** Offset of the first SHELL of each stage, or of the nearest SHELL in the stages it builds on (-1). */
function shellOffsets(context: RuleContext): Map<Stage, number> {
  const offsets = new Map<Stage, number>();
  for (const stage of context.dockerfile.stages) {
    const own = stage.instructions.find((i) => i.name === 'SHELL');
    const parent = context.symbols.baseStage(stage);
    // A SHELL anywhere in a parent stage applies from this stage's start.
    const inherited = parent && (offsets.get(parent) ?? Infinity) !== Infinity ? -1 : Infinity;
    offsets.set(stage, Math.min(inherited, own ? own.startOffset : Infinity));
  }
  return offsets;
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
    let shells: Map<Stage, number> | undefined;
    for (const { instruction, stage } of context.instructions('CMD', 'ENTRYPOINT')) {
      if (!stage || instruction.form !== 'shell' || !instruction.argsText) continue;
      shells ??= shellOffsets(context);
      if (shells.get(stage)! < instruction.startOffset) continue;
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
