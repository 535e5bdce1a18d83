import { directiveDocs } from '../data/directives';
import type { Rule } from './rule';
import { berthRuleUrl, didYouMean } from './support';

export const UnknownParserDirective: Rule = {
  name: 'UnknownParserDirective',
  source: 'berth',
  description:
    'A `# name=value` line at the top whose name is close to a parser directive (syntax, escape, check) is read as a plain comment: usually a typo.',
  url: berthRuleUrl('UnknownParserDirective'),
  severity: 'warning',
  fix: 'Replaces the name with the directive it resembles.',
  check(context) {
    const dockerfile = context.dockerfile;
    const first = dockerfile.instructions[0];
    const names = directiveDocs.map((d) => d.name);
    for (const comment of dockerfile.comments) {
      if (first && comment.startOffset > first.startOffset) break;
      const match = /^([A-Za-z][A-Za-z0-9]*)\s*=/.exec(comment.text);
      if (!match || names.includes(match[1].toLowerCase())) continue;
      const suggestion = didYouMean(match[1].toLowerCase(), names);
      if (!suggestion) continue;
      const start = context.text.indexOf(match[1], comment.startOffset);
      context.report(
        context.span(start, start + match[1].length),
        `Unknown parser directive '${match[1]}' (did you mean ${suggestion}?): BuildKit reads this line as a comment`,
        {
          fixes: [
            {
              title: `Change to ${suggestion}`,
              edits: [context.edit(start, start + match[1].length, suggestion)],
              preferred: true,
            },
          ],
        },
      );
    }
  },
};
