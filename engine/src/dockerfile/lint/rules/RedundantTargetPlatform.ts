import type { Rule } from './rule';
import { buildkitRuleUrl } from './support';

export const RedundantTargetPlatform: Rule = {
  name: 'RedundantTargetPlatform',
  source: 'buildkit',
  description:
    'Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior',
  url: buildkitRuleUrl('redundant-target-platform'),
  severity: 'warning',
  hadolint: ['DL3065'],
  fix: 'Removes the --platform flag.',
  check(context) {
    for (const stage of context.dockerfile.stages) {
      const flag = stage.platform;
      if (!flag?.value || !flag.valueSpan) continue;
      // Only a value that is exactly the TARGETPLATFORM variable, as BuildKit infers it.
      if (!/^\$(?:TARGETPLATFORM|\{TARGETPLATFORM\})$/.test(flag.value)) continue;
      // Delete the flag and the whitespace after it.
      let end = flag.endOffset;
      while (end < context.text.length && (context.text[end] === ' ' || context.text[end] === '\t')) end++;
      context.report(
        flag,
        `Setting platform to predefined ${flag.value} in FROM is redundant as this is the default behavior`,
        {
          fixes: [
            {
              title: `Remove --platform=${flag.value}`,
              edits: [context.edit(flag.startOffset, end, '')],
              preferred: true,
            },
          ],
        },
      );
    }
  },
};
