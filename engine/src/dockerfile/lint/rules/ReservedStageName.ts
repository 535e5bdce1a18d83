import type { Rule } from './rule';
import { buildkitRuleUrl, goQuoted } from './support';

const reserved: ReadonlySet<string> = new Set(['context', 'scratch']);

export const ReservedStageName: Rule = {
  name: 'ReservedStageName',
  source: 'buildkit',
  description: 'Reserved words should not be used as stage names',
  url: buildkitRuleUrl('reserved-stage-name'),
  severity: 'warning',
  hadolint: ['DL3063'],
  check(context) {
    for (const stage of context.dockerfile.stages) {
      if (stage.name !== undefined && reserved.has(stage.name)) {
        context.report(
          stage.from,
          `Stage name should not use the same name as reserved stage ${goQuoted(stage.name)}`,
        );
      }
    }
  },
};
