import type { Rule } from './rule';
import { buildkitRuleUrl, goQuoted } from './support';

export const DuplicateStageName: Rule = {
  name: 'DuplicateStageName',
  source: 'buildkit',
  description: 'Stage names should be unique',
  url: buildkitRuleUrl('duplicate-stage-name'),
  severity: 'warning',
  hadolint: ['DL3024'],
  check(context) {
    const seen = new Set<string>();
    for (const stage of context.dockerfile.stages) {
      if (stage.name === undefined) continue;
      if (seen.has(stage.name)) {
        context.report(
          stage.from,
          `Duplicate stage name ${goQuoted(stage.name)}, stage names should be unique`,
        );
      }
      seen.add(stage.name);
    }
  },
};
