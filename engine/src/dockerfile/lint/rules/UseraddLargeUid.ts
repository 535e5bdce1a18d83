import type { Rule } from './rule';
import { berthRuleUrl } from './support';

export const UseraddLargeUid: Rule = {
  name: 'UseraddLargeUid',
  source: 'berth',
  description:
    '`useradd` with a large UID and without `-l` writes a sparse lastlog/faillog entry that can grow the layer by gigabytes.',
  url: berthRuleUrl('UseraddLargeUid'),
  severity: 'warning',
  hadolint: ['DL3046'],
  fix: 'Adds `-l` (`--no-log-init`).',
  check(context) {
    for (const { command, name, at } of context.runCommands()) {
      if (name !== 'useradd') continue;
      const words = command.words.slice(at + 1).map((w) => w.value);
      if (words.some((w) => w === '-l' || w === '--no-log-init' || /^-[A-Za-z]*l/.test(w))) continue;
      const uidIndex = words.findIndex((w) => w === '-u' || w === '--uid');
      const uid =
        uidIndex >= 0
          ? words[uidIndex + 1]
          : /^--uid=(\d+)$/.exec(words.find((w) => w.startsWith('--uid=')) ?? '')?.[1];
      if (!uid || !/^\d{6,}$/.test(uid)) continue;
      const word = command.words[at];
      context.report(
        context.span(word.start, word.end),
        '`useradd` without flag `-l` and high UID will result in excessively large Image.',
        {
          fixes: [{ title: 'Add -l', edits: [context.edit(word.end, word.end, ' -l')], preferred: true }],
        },
      );
    }
  },
};
