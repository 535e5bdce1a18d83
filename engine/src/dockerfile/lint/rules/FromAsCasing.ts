import type { Rule } from './rule';
import { buildkitRuleUrl } from './support';

export const FromAsCasing: Rule = {
  name: 'FromAsCasing',
  source: 'buildkit',
  description: "The 'as' keyword should match the case of the 'from' keyword",
  url: buildkitRuleUrl('from-as-casing'),
  severity: 'warning',
  fix: "Rewrites 'as' in the case of 'FROM'.",
  check(context) {
    for (const stage of context.dockerfile.stages) {
      const from = stage.from;
      const as = from.args.length === 3 ? from.args[1] : undefined;
      if (!as || as.value.toLowerCase() !== 'as') continue;
      const keyword = from.keyword.value;
      const lower = keyword === keyword.toLowerCase();
      const upper = keyword === keyword.toUpperCase();
      // Mixed-case FROM is ConsistentInstructionCasing's business.
      if (!lower && !upper) continue;
      const wanted = lower ? 'as' : 'AS';
      if (as.value === wanted) continue;
      context.report(from, `'${as.value}' and '${keyword}' keywords' casing do not match`, {
        fixes: [
          { title: `Write '${wanted}'`, edits: [{ range: as.range, newText: wanted }], preferred: true },
        ],
      });
    }
  },
};
