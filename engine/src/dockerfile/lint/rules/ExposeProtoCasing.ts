import { splitPortSpec } from '../..';
import type { Rule } from './rule';
import { buildkitRuleUrl } from './support';

export const ExposeProtoCasing: Rule = {
  name: 'ExposeProtoCasing',
  source: 'buildkit',
  description: 'Protocol in EXPOSE instruction should be lowercase',
  url: buildkitRuleUrl('expose-proto-casing'),
  severity: 'warning',
  fix: 'Lowercases the protocol.',
  check(context) {
    for (const { instruction } of context.instructions('EXPOSE')) {
      for (const arg of instruction.args) {
        if (arg.value.includes('$')) continue;
        const { proto } = splitPortSpec(arg.value);
        if (proto === proto.toLowerCase()) continue;
        const raw = context.text.slice(arg.startOffset, arg.endOffset);
        context.report(arg, `Defined protocol '${arg.value}' in EXPOSE instruction should be lowercase`, {
          fixes:
            raw === arg.value
              ? [
                  {
                    title: `Write ${proto.toLowerCase()}`,
                    edits: [{ range: arg.range, newText: arg.value.toLowerCase() }],
                    preferred: true,
                  },
                ]
              : [],
        });
      }
    }
  },
};
