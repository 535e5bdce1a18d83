import type { Rule } from './rule';
import { berthRuleUrl } from './support';

export const ZypperDistUpgrade: Rule = {
  name: 'ZypperDistUpgrade',
  source: 'berth',
  description:
    '`zypper dist-upgrade` moves the whole distribution to a new release inside a build: use a newer base image instead.',
  url: berthRuleUrl('ZypperDistUpgrade'),
  severity: 'warning',
  hadolint: ['DL3035'],
  check(context) {
    for (const { invocation } of context.packageInvocations()) {
      const sub = invocation.subcommand;
      if (invocation.manager !== 'zypper' || (sub?.value !== 'dist-upgrade' && sub?.value !== 'dup'))
        continue;
      context.report(
        context.span(invocation.managerWord.start, sub.end),
        'Do not use `zypper dist-upgrade`: start from a newer base image instead',
      );
    }
  },
};
