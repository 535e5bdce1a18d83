import { hasOption } from '../analysis/packages';
import type { Rule } from './rule';
import { berthRuleUrl } from './support';

/** Subcommands that ask for confirmation, per manager, and the options that answer it. */
const prompting: Record<string, { subcommands: ReadonlySet<string>; short?: string; long: string[] }> = {
  'apt-get': {
    subcommands: new Set([
      'install',
      'upgrade',
      'dist-upgrade',
      'full-upgrade',
      'remove',
      'purge',
      'autoremove',
      'build-dep',
    ]),
    short: 'y',
    long: ['--yes', '--assume-yes', '--force-yes'],
  },
  yum: {
    subcommands: new Set([
      'install',
      'groupinstall',
      'localinstall',
      'update',
      'upgrade',
      'remove',
      'erase',
      'reinstall',
      'downgrade',
    ]),
    short: 'y',
    long: ['--assumeyes'],
  },
  dnf: {
    subcommands: new Set([
      'install',
      'groupinstall',
      'localinstall',
      'update',
      'upgrade',
      'remove',
      'erase',
      'reinstall',
      'downgrade',
      'group',
    ]),
    short: 'y',
    long: ['--assumeyes'],
  },
  zypper: {
    subcommands: new Set(['install', 'in', 'remove', 'rm', 'update', 'up', 'patch', 'dist-upgrade', 'dup']),
    short: 'n',
    long: ['--non-interactive', '--no-confirm', '-y'],
  },
};

export const PackageManagerAssumeYes: Rule = {
  name: 'PackageManagerAssumeYes',
  source: 'berth',
  description:
    'apt-get, yum, dnf and zypper commands that would ask for confirmation must be told to answer yes, or the build stops.',
  url: berthRuleUrl('PackageManagerAssumeYes'),
  severity: 'warning',
  hadolint: ['DL3014', 'DL3030', 'DL3034', 'DL3038'],
  fix: 'Adds `-y` after the subcommand.',
  check(context) {
    for (const { invocation } of context.packageInvocations()) {
      const rules = prompting[invocation.manager];
      const sub = invocation.subcommand;
      if (!rules || !sub || !rules.subcommands.has(sub.value)) continue;
      if (hasOption(invocation, rules.short, ...rules.long)) continue;
      // `apt-get -qq` implies yes; so does the APT::Get::Assume-Yes option.
      if (invocation.manager === 'apt-get') {
        if (invocation.options.some((o) => /^-(?:qq|q=2|[a-z]*q[a-z]*q)/.test(o.value))) continue;
        if (invocation.command.words.some((w) => /Assume-Yes=(?:1|true|yes)/i.test(w.value))) continue;
      }
      const flag = invocation.manager === 'zypper' ? '--non-interactive' : '-y';
      const insertAt = invocation.manager === 'zypper' ? invocation.managerWord.end : sub.end;
      context.report(
        context.span(invocation.managerWord.start, sub.end),
        `\`${invocation.managerWord.value} ${sub.value}\` waits for a confirmation the build cannot give: add ${flag}`,
        {
          fixes: [
            { title: `Add ${flag}`, edits: [context.edit(insertAt, insertAt, ` ${flag}`)], preferred: true },
          ],
        },
      );
    }
  },
};
