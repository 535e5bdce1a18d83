import type { Rule } from './rule';
import { buildkitRuleUrl } from './support';

export const NoEmptyContinuation: Rule = {
  name: 'NoEmptyContinuation',
  source: 'buildkit',
  description: 'Empty continuation lines will become errors in a future release',
  url: buildkitRuleUrl('no-empty-continuation'),
  severity: 'warning',
  fix: 'Deletes the empty line.',
  check(context) {
    for (const line of context.dockerfile.emptyContinuationLines) {
      const start = { line: line.range.start.line, character: 0 };
      const end = { line: line.range.start.line + 1, character: 0 };
      context.report(line, 'Empty continuation line', {
        fixes: [
          {
            title: 'Delete the empty line',
            edits: [{ range: { start, end }, newText: '' }],
            preferred: true,
          },
        ],
      });
    }
  },
};
