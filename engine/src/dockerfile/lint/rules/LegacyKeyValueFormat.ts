import type { Rule } from './rule';
import { buildkitRuleUrl } from './support';

export const LegacyKeyValueFormat: Rule = {
  name: 'LegacyKeyValueFormat',
  source: 'buildkit',
  description: 'Legacy key/value format with whitespace separator should not be used',
  url: buildkitRuleUrl('legacy-key-value-format'),
  severity: 'warning',
  fix: 'Rewrites `KEY value` as `KEY=value`, quoting a value that contains spaces.',
  check(context) {
    const text = context.text;
    for (const { instruction } of context.instructions('ENV', 'LABEL')) {
      const args = instruction.args;
      for (let i = 0; i + 2 < args.length + 1; i++) {
        const key = args[i];
        const value = args[i + 1];
        const separator = args[i + 2];
        if (
          key?.role !== 'key' ||
          value?.role !== 'value' ||
          separator?.role !== 'separator' ||
          separator.value !== ''
        )
          continue;
        const name = instruction.keyword.value;
        const raw = text.slice(value.startOffset, value.endOffset);
        const fixes = [];
        if (!/["'\\`\n]/.test(raw)) {
          const newValue = /\s/.test(raw) ? `"${raw}"` : raw;
          fixes.push({
            title: `Use ${name} ${key.value}=…`,
            edits: [context.edit(key.endOffset, value.endOffset, `=${newValue}`)],
            preferred: true,
          });
        }
        context.report(
          key,
          `"${name} key=value" should be used instead of legacy "${name} key value" format`,
          { fixes },
        );
      }
    }
  },
};
