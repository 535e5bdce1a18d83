import type { Rule } from './rule';
import { buildkitRuleUrl } from './support';

export const StageNameCasing: Rule = {
  name: 'StageNameCasing',
  source: 'buildkit',
  description: 'Stage names should be lowercase',
  url: buildkitRuleUrl('stage-name-casing'),
  severity: 'warning',
  fix: 'Lowercases the stage name and every reference to it.',
  check(context) {
    for (const stage of context.dockerfile.stages) {
      const token = stage.nameToken;
      if (!token || token.value === token.value.toLowerCase()) continue;
      const lower = token.value.toLowerCase();
      const edits = [{ range: token.range, newText: lower }];
      for (const reference of context.symbols.stageReferences) {
        if (reference.stage === stage) edits.push({ range: reference.span.range, newText: lower });
      }
      context.report(stage.from, `Stage name '${token.value}' should be lowercase`, {
        fixes: [{ title: `Rename stage to '${lower}'`, edits, preferred: true }],
      });
    }
  },
};
