import type { Rule } from './rule';
import { berthRuleUrl } from './support';

/** apt subcommands and their script-stable equivalents. */
const equivalents: Readonly<Record<string, string>> = {
  install: 'apt-get',
  update: 'apt-get',
  upgrade: 'apt-get',
  'dist-upgrade': 'apt-get',
  'full-upgrade': 'apt-get',
  remove: 'apt-get',
  purge: 'apt-get',
  autoremove: 'apt-get',
  clean: 'apt-get',
  autoclean: 'apt-get',
  search: 'apt-cache',
  show: 'apt-cache',
  policy: 'apt-cache',
  depends: 'apt-cache',
  rdepends: 'apt-cache',
};

export const AptGetRecommended: Rule = {
  name: 'AptGetRecommended',
  source: 'berth',
  description:
    '`apt` is meant for people at a terminal and its output and behaviour may change; scripts should use `apt-get` or `apt-cache`.',
  url: berthRuleUrl('AptGetRecommended'),
  severity: 'warning',
  hadolint: ['DL3027'],
  fix: 'Replaces `apt` with `apt-get` (or `apt-cache` for search/show/policy).',
  check(context) {
    for (const { invocation } of context.packageInvocations()) {
      if (invocation.manager !== 'apt') continue;
      const word = invocation.managerWord;
      const replacement = equivalents[invocation.subcommand?.value ?? ''];
      const fixes = [];
      if (replacement && word.value === 'apt') {
        const edits = [context.edit(word.start, word.end, replacement)];
        // apt-get has no full-upgrade: dist-upgrade is the same operation.
        const sub = invocation.subcommand!;
        if (sub.value === 'full-upgrade') edits.push(context.edit(sub.start, sub.end, 'dist-upgrade'));
        fixes.push({ title: `Use ${replacement}`, edits, preferred: true });
      }
      context.report(
        context.span(word.start, word.end),
        'Do not use apt as it is meant to be an end-user tool, use apt-get or apt-cache instead',
        { fixes },
      );
    }
  },
};
