import type { Rule } from './rule';
import { berthRuleUrl } from './support';

export const UserNotNumeric: Rule = {
  name: 'UserNotNumeric',
  source: 'berth',
  description:
    'A user name in USER is resolved inside the image; orchestrators that enforce non-root (Kubernetes runAsNonRoot) can only verify a numeric UID.',
  url: berthRuleUrl('UserNotNumeric'),
  severity: 'off',
  hadolint: ['DL3066'],
  check(context) {
    for (const { instruction } of context.instructions('USER')) {
      if (instruction.command?.kind !== 'USER') continue;
      const user = instruction.command.user.split(':')[0];
      if (/^\d+$/.test(user) || user.includes('$')) continue;
      context.report(
        instruction.args[0] ?? instruction,
        'Non-numeric user-id may not be resolvable by host system',
      );
    }
  },
};
