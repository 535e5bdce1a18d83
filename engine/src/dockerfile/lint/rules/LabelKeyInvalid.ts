import type { Rule } from './rule';
import { berthRuleUrl } from './support';

const reserved = /^(?:com\.docker\.|io\.docker\.|org\.dockerproject\.)/;
const valid = /^[a-z0-9](?:[a-z0-9]|[.-](?=[a-z0-9]))*$/;

export const LabelKeyInvalid: Rule = {
  name: 'LabelKeyInvalid',
  source: 'berth',
  description:
    'Label keys should be lowercase alphanumerics separated by single `.` or `-`, and not use the namespaces Docker reserves (com.docker., io.docker., org.dockerproject.).',
  url: berthRuleUrl('LabelKeyInvalid'),
  severity: 'hint',
  hadolint: ['DL3048'],
  check(context) {
    for (const { instruction } of context.instructions('LABEL')) {
      if (instruction.command?.kind !== 'LABEL') continue;
      for (const pair of instruction.command.labels) {
        const key = pair.key;
        if (key.includes('$')) continue;
        if (reserved.test(key))
          context.report(pair.keyToken, `Invalid label key: ${key} uses a namespace reserved by Docker`);
        else if (!valid.test(key))
          context.report(
            pair.keyToken,
            `Invalid label key: ${key} (use lowercase letters, digits, and single . or - between them)`,
          );
      }
    }
  },
};
