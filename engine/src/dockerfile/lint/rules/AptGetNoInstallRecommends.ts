import { hasOption } from '../analysis/packages';
import type { Rule } from './rule';
import { berthRuleUrl } from './support';

export const AptGetNoInstallRecommends: Rule = {
  name: 'AptGetNoInstallRecommends',
  source: 'berth',
  description:
    '`apt-get install` also installs recommended packages unless told not to, which bloats the image.',
  url: berthRuleUrl('AptGetNoInstallRecommends'),
  severity: 'information',
  hadolint: ['DL3015'],
  fix: 'Adds `--no-install-recommends` after `install`.',
  check(context) {
    // APT configured earlier (an apt.conf.d snippet written by a RUN) counts too; the whole text is
    // searched only once there is an install to report.
    let configured: boolean | undefined;
    for (const { invocation } of context.packageInvocations()) {
      if (invocation.manager !== 'apt-get' || invocation.subcommand?.value !== 'install') continue;
      if (hasOption(invocation, undefined, '--no-install-recommends')) continue;
      if (invocation.command.words.some((w) => /Install-Recommends=(?:0|false)/i.test(w.value))) continue;
      configured ??= /Install-Recommends\s*"?(?:0|false)/i.test(context.text);
      if (configured) return;
      const sub = invocation.subcommand;
      context.report(
        context.span(invocation.managerWord.start, sub.end),
        'Avoid additional packages by specifying `--no-install-recommends`',
        {
          fixes: [
            {
              title: 'Add --no-install-recommends',
              edits: [context.edit(sub.end, sub.end, ' --no-install-recommends')],
              preferred: true,
            },
          ],
        },
      );
    }
  },
};
