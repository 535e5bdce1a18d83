import { automaticPlatformArgs } from '../data/directives';
import type { Rule } from './rule';
import { buildkitRuleUrl, didYouMean } from './support';

export const UndefinedArgInFrom: Rule = {
  name: 'UndefinedArgInFrom',
  source: 'buildkit',
  description: 'FROM command must use declared ARGs',
  url: buildkitRuleUrl('undefined-arg-in-from'),
  severity: 'warning',
  check(context) {
    const globals = new Set(
      context.symbols.declarations.filter((d) => d.stage === undefined).map((d) => d.name),
    );
    const known = [...globals, ...automaticPlatformArgs];
    for (const stage of context.dockerfile.stages) {
      const reported = new Set<string>();
      for (const reference of stage.from.variables) {
        const name = reference.name;
        if (globals.has(name) || automaticPlatformArgs.has(name) || reported.has(name)) continue;
        reported.add(name);
        const suggestion = didYouMean(name, known);
        const hint = suggestion ? ` (did you mean ${suggestion}?)` : '';
        context.report(reference, `FROM argument '${name}' is not declared${hint}`, {
          fixes: suggestion
            ? [
                {
                  title: `Change to ${suggestion}`,
                  edits: [{ range: reference.nameSpan.range, newText: suggestion }],
                  preferred: true,
                },
              ]
            : [],
        });
      }
    }
  },
};
