import type { Rule } from './rule';
import { berthRuleUrl } from './support';

export const ConsecutiveRunInstructions: Rule = {
  name: 'ConsecutiveRunInstructions',
  source: 'berth',
  description:
    'Consecutive RUN instructions with the same flags each add a layer; joining them makes the image smaller (keep them apart when they are cached separately on purpose).',
  url: berthRuleUrl('ConsecutiveRunInstructions'),
  severity: 'hint',
  hadolint: ['DL3059'],
  check(context) {
    for (const stage of context.dockerfile.stages) {
      const list = stage.instructions;
      for (let i = 1; i < list.length; i++) {
        const [previous, current] = [list[i - 1], list[i]];
        if (previous.name !== 'RUN' || current.name !== 'RUN') continue;
        const flags = (x: typeof current) => x.flags.map((f) => f.text).join(' ');
        if (flags(previous) !== flags(current) || previous.heredocs.length > 0 || current.heredocs.length > 0)
          continue;
        context.report(current.keyword, 'Multiple consecutive `RUN` instructions. Consider consolidation.');
      }
    }
  },
};
