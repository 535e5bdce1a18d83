import type { Stage } from '../../model';
import type { Rule, RuleContext } from './rule';
import { berthRuleUrl } from './support';

function workdirBefore(context: RuleContext, stage: Stage, offset: number): boolean {
  for (let s: Stage | undefined = stage; s; s = context.symbols.baseStage(s)) {
    if (s.instructions.some((i) => i.name === 'WORKDIR' && (s !== stage || i.startOffset < offset)))
      return true;
  }
  return false;
}

export const CopyRelativeDestination: Rule = {
  name: 'CopyRelativeDestination',
  source: 'berth',
  description:
    "A relative COPY/ADD destination is resolved against the base image's working directory unless a WORKDIR is set first.",
  url: berthRuleUrl('CopyRelativeDestination'),
  severity: 'warning',
  hadolint: ['DL3045'],
  check(context) {
    const windows = context.dockerfile.escapeChar === '`';
    for (const stage of context.dockerfile.stages) {
      for (const instruction of stage.instructions) {
        if ((instruction.name !== 'COPY' && instruction.name !== 'ADD') || instruction.args.length < 2)
          continue;
        const destination = instruction.args[instruction.args.length - 1];
        const value = destination.value;
        if (value.startsWith('/') || value.startsWith('$') || (windows && /^(?:[A-Za-z]:)?[\\/]/.test(value)))
          continue;
        if (workdirBefore(context, stage, instruction.startOffset)) continue;
        context.report(
          destination,
          `${instruction.keyword.value} to a relative destination without WORKDIR set: "${value}" depends on the base image's working directory`,
        );
      }
    }
  },
};
