import type { Rule } from './rule';
import { berthRuleUrl } from './support';

export const CopyDestinationNotDirectory: Rule = {
  name: 'CopyDestinationNotDirectory',
  source: 'berth',
  description:
    'With several sources the destination must be a directory ending in `/`; otherwise the build fails.',
  url: berthRuleUrl('CopyDestinationNotDirectory'),
  severity: 'error',
  hadolint: ['DL3021'],
  fix: "Appends '/' to the destination.",
  check(context) {
    for (const { instruction } of context.instructions('COPY', 'ADD')) {
      // Heredoc markers count as sources, as in BuildKit.
      const args = instruction.args;
      if (args.length < 3) continue;
      const destination = args[args.length - 1];
      if (
        destination.value.endsWith('/') ||
        destination.value.endsWith('\\') ||
        destination.value.includes('$')
      )
        continue;
      const raw = context.text.slice(destination.startOffset, destination.endOffset);
      const fixes =
        raw === destination.value
          ? [
              {
                title: `Use ${destination.value}/`,
                edits: [context.edit(destination.endOffset, destination.endOffset, '/')],
                preferred: true,
              },
            ]
          : [];
      context.report(
        destination,
        `When using ${instruction.keyword.value} with more than one source file, the destination must be a directory and end with a /`,
        { fixes },
      );
    }
  },
};
