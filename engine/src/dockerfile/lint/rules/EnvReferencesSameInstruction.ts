import type { Rule } from './rule';
import { berthRuleUrl } from './support';

export const EnvReferencesSameInstruction: Rule = {
  name: 'EnvReferencesSameInstruction',
  source: 'berth',
  description:
    'In `ENV A=1 B=$A`, `$A` is expanded with the value A had before this ENV (often empty), not with 1: split it into two ENV instructions.',
  url: berthRuleUrl('EnvReferencesSameInstruction'),
  severity: 'warning',
  hadolint: ['DL3044'],
  check(context) {
    for (const { instruction } of context.instructions('ENV')) {
      if (instruction.command?.kind !== 'ENV') continue;
      const pairs = instruction.command.env;
      for (let i = 1; i < pairs.length; i++) {
        const value = pairs[i].valueToken;
        for (const reference of instruction.variables) {
          if (reference.startOffset < value.startOffset || reference.endOffset > value.endOffset) continue;
          const earlier = pairs.slice(0, i).find((p) => p.key === reference.name);
          if (!earlier) continue;
          context.report(
            reference,
            `Do not refer to an environment variable within the same \`ENV\` statement where it is defined: $${reference.name} here is its value before this ENV`,
          );
        }
      }
    }
  },
};
