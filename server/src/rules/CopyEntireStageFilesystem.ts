import type { Rule } from './rule';
import { berthRuleUrl } from './support';

export const CopyEntireStageFilesystem: Rule = {
  name: 'CopyEntireStageFilesystem',
  source: 'berth',
  description:
    '`COPY --from=<stage> / …` copies a whole filesystem, package databases and caches included: copy the directories you need.',
  url: berthRuleUrl('CopyEntireStageFilesystem'),
  severity: 'warning',
  hadolint: ['DL3067'],
  check(context) {
    for (const { instruction } of context.instructions()) {
      if (instruction.name !== 'COPY' || !instruction.flags.some((f) => f.name === 'from')) continue;
      for (const source of instruction.args.slice(0, -1)) {
        if (source.value === '/' || source.value === '/.' || source.value === '.') {
          context.report(source, 'Do not copy an entire filesystem from another stage');
        }
      }
    }
  },
};
