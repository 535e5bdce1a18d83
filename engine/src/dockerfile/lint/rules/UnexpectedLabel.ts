import type { Rule } from './rule';
import { berthRuleUrl } from './support';

export const UnexpectedLabel: Rule = {
  name: 'UnexpectedLabel',
  source: 'berth',
  description:
    'With `berth.dockerfile.strictLabels` on, only the labels listed in `berth.dockerfile.requiredLabels` may be set: any other is reported (no check while the list is empty).',
  url: berthRuleUrl('UnexpectedLabel'),
  severity: 'warning',
  hadolint: ['DL3050'],
  check(context) {
    const { requiredLabels, strictLabels } = context.environment.settings;
    if (!strictLabels || requiredLabels.length === 0) return;
    const allowed = new Set(requiredLabels);
    for (const { instruction } of context.instructions('LABEL')) {
      if (instruction.command?.kind !== 'LABEL') continue;
      for (const pair of instruction.command.labels) {
        if (!allowed.has(pair.key))
          context.report(
            pair.keyToken,
            `Label \`${pair.key}\` is not in berth.dockerfile.requiredLabels, and berth.dockerfile.strictLabels allows no others.`,
          );
      }
    }
  },
};
