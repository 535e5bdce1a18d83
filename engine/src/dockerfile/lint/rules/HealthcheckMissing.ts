import type { Rule } from './rule';
import { berthRuleUrl } from './support';

export const HealthcheckMissing: Rule = {
  name: 'HealthcheckMissing',
  source: 'berth',
  description:
    'The final stage defines no HEALTHCHECK, so the engine cannot tell a hung service from a working one.',
  url: berthRuleUrl('HealthcheckMissing'),
  severity: 'off',
  hadolint: ['DL3057'],
  check(context) {
    const stages = context.dockerfile.stages;
    const final = stages[stages.length - 1];
    if (!final) return;
    for (let s: typeof final | undefined = final; s; s = context.symbols.baseStage(s)) {
      if (s.instructions.some((i) => i.name === 'HEALTHCHECK')) return;
    }
    context.report(final.from.keyword, '`HEALTHCHECK` instruction missing.');
  },
};
