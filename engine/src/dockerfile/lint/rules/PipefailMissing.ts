import type { Instruction, Stage } from '../../model';
import type { Rule, RuleContext } from './rule';
import { berthRuleUrl } from './support';

/** True when SHELL sets pipefail before `instruction` (in its stage or a stage it builds on). */
function shellHasPipefail(context: RuleContext, stage: Stage, instruction: Instruction): boolean {
  let shell: readonly string[] | undefined;
  for (
    let current: Stage | undefined = stage;
    current && !shell;
    current = context.symbols.baseStage(current)
  ) {
    for (const i of current.instructions) {
      if (current === stage && i.startOffset >= instruction.startOffset) break;
      if (i.command?.kind === 'SHELL') shell = i.command.shell;
    }
  }
  return !!shell && shell.join(' ').includes('pipefail');
}

export const PipefailMissing: Rule = {
  name: 'PipefailMissing',
  source: 'berth',
  description:
    "In a piped RUN only the last command's status counts, so `curl … | tar x` succeeds even when the download fails. Set `-o pipefail` with SHELL (or `set -o pipefail` in the script, where the shell supports it).",
  url: berthRuleUrl('PipefailMissing'),
  severity: 'information',
  hadolint: ['DL4006'],
  check(context) {
    for (const run of context.runScripts()) {
      if (!run.script.hasPipe) continue;
      const text = context.text.slice(run.start, run.end);
      if (
        text.includes('pipefail') &&
        /set\s+-[a-z]*o\s+pipefail|set\s+-o\s+pipefail|-o\s+pipefail/.test(text)
      )
        continue;
      if (shellHasPipefail(context, run.stage, run.instruction)) continue;
      context.report(
        run.instruction.keyword,
        'Set the SHELL option -o pipefail before RUN with a pipe in it. If you are using /bin/sh in an alpine image or if your shell is symlinked to busybox then consider explicitly setting your SHELL to /bin/ash, or disable this check',
      );
    }
  },
};
