import type { Rule } from './rule';
import { berthRuleUrl } from './support';

export const RequiredLabelMissing: Rule = {
  name: 'RequiredLabelMissing',
  source: 'berth',
  description:
    'The final image must carry every label listed in `berth.dockerfile.requiredLabels` (an organisation’s label schema), set in its stage or a stage it builds on (no check while the list is empty).',
  url: berthRuleUrl('RequiredLabelMissing'),
  severity: 'warning',
  hadolint: ['DL3049'],
  check(context) {
    const required = context.environment.settings.requiredLabels;
    const stages = context.dockerfile.stages;
    const final = stages[stages.length - 1];
    if (required.length === 0 || !final) return;
    const present = new Set<string>();
    for (let s: typeof final | undefined = final; s; s = context.symbols.baseStage(s)) {
      for (const instruction of s.instructions) {
        if (instruction.command?.kind !== 'LABEL') continue;
        for (const pair of instruction.command.labels) present.add(pair.key);
      }
    }
    for (const key of required) {
      if (!present.has(key))
        context.report(
          final.from.keyword,
          `Label \`${key}\` is missing from the final image (required by berth.dockerfile.requiredLabels): add LABEL ${key}=… to this stage.`,
        );
    }
  },
};
