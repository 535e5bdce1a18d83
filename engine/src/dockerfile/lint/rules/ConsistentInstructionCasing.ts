import type { Rule } from './rule';
import { buildkitRuleUrl } from './support';

function consistent(keyword: string): boolean {
  return keyword === keyword.toLowerCase() || keyword === keyword.toUpperCase();
}

export const ConsistentInstructionCasing: Rule = {
  name: 'ConsistentInstructionCasing',
  source: 'buildkit',
  description: 'All commands within the Dockerfile should use the same casing (either upper or lower)',
  url: buildkitRuleUrl('consistent-instruction-casing'),
  severity: 'warning',
  fix: 'Rewrites the keyword in the majority case.',
  check(context) {
    const instructions = context
      .instructions()
      .map((i) => i.instruction)
      .filter((i) => i.known);
    let lower = 0;
    let upper = 0;
    for (const instruction of instructions) {
      const keyword = instruction.keyword.value;
      if (!consistent(keyword)) continue;
      if (keyword === keyword.toLowerCase()) lower++;
      else upper++;
    }
    const majorityLower = lower > upper;
    for (const instruction of instructions) {
      const keyword = instruction.keyword.value;
      const wanted = majorityLower ? keyword.toLowerCase() : keyword.toUpperCase();
      if (keyword === wanted) continue;
      context.report(
        instruction,
        `Command '${keyword}' should match the case of the command majority (${majorityLower ? 'lowercase' : 'uppercase'})`,
        {
          fixes: [
            {
              title: `Write '${wanted}'`,
              edits: [{ range: instruction.keyword.range, newText: wanted }],
              preferred: true,
            },
          ],
        },
      );
    }
  },
};
