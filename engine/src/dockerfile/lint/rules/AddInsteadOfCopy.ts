import { needsAdd } from './archives';
import type { Rule } from './rule';
import { berthRuleUrl } from './support';

export const AddInsteadOfCopy: Rule = {
  name: 'AddInsteadOfCopy',
  source: 'berth',
  description:
    'ADD also fetches URLs, clones Git repositories and extracts archives; for plain files COPY says what it does.',
  url: berthRuleUrl('AddInsteadOfCopy'),
  severity: 'warning',
  hadolint: ['DL3020'],
  fix: 'Replaces ADD with COPY.',
  check(context) {
    for (const { instruction } of context.instructions('ADD')) {
      if (instruction.heredocs.length > 0) continue;
      // --checksum, --keep-git-dir and --unpack only mean something to ADD.
      if (
        instruction.flags.some(
          (f) => f.name === 'checksum' || f.name === 'keep-git-dir' || f.name === 'unpack',
        )
      )
        continue;
      const sources = instruction.args.slice(0, -1);
      if (sources.length === 0 || sources.some((s) => needsAdd(s.value) || s.value.includes('$'))) continue;
      const keyword = instruction.keyword;
      const copy = keyword.value === keyword.value.toLowerCase() ? 'copy' : 'COPY';
      context.report(keyword, 'Use COPY instead of ADD for files and folders', {
        fixes: [{ title: 'Use COPY', edits: [{ range: keyword.range, newText: copy }], preferred: true }],
      });
    }
  },
};
