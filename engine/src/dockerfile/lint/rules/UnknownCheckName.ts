import { parseCheckOptions } from '../..';
import { allRules } from './index';
import type { Rule } from './rule';
import { berthRuleUrl, didYouMean } from './support';

export const UnknownCheckName: Rule = {
  name: 'UnknownCheckName',
  source: 'berth',
  description: 'A name in `# check=skip=` or `experimental=` that is no check skips nothing: usually a typo.',
  url: berthRuleUrl('UnknownCheckName'),
  severity: 'warning',
  fix: 'Replaces the name with the check it resembles.',
  check(context) {
    for (const directive of context.dockerfile.directives) {
      if (directive.name !== 'check' || !parseCheckOptions(directive.value).config) continue;
      const names = allRules.map((r) => r.name);
      const known = new Set(names);
      const value = directive.valueToken;
      const text = context.text.slice(value.startOffset, value.endOffset);
      const list = /(?:skip|experimental)\s*=([^;]*)/g;
      for (let match = list.exec(text); match; match = list.exec(text)) {
        let offset = value.startOffset + match.index + match[0].indexOf('=') + 1;
        for (const part of match[1].split(',')) {
          const name = part.trim();
          const start = offset + part.indexOf(name);
          offset += part.length + 1;
          if (name === '' || name === 'all' || known.has(name)) continue;
          const suggestion =
            names.find((n) => n.toLowerCase() === name.toLowerCase()) ?? didYouMean(name, names, false);
          context.report(
            context.span(start, start + name.length),
            `Unknown check ${name}${suggestion ? ` (did you mean ${suggestion}?)` : ''}: it skips nothing`,
            {
              fixes: suggestion
                ? [
                    {
                      title: `Change to ${suggestion}`,
                      edits: [context.edit(start, start + name.length, suggestion)],
                      preferred: true,
                    },
                  ]
                : [],
            },
          );
        }
      }
    }
  },
};
