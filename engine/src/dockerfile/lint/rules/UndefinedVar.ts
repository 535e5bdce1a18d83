import type { Stage } from '../../model';
import type { VariableUse } from '../analysis/symbols';
import type { Rule, RuleContext } from './rule';
import { commonImageEnv } from '../data/images';
import { splitReference } from '../analysis/imageReference';
import { buildkitRuleUrl, didYouMean } from './support';

/** BuildKit reports undefined variables where it expands words, except in FROM (UndefinedArgInFrom) and EXPOSE. */
function isChecked(use: VariableUse): boolean {
  return (
    use.expandedByBuilder &&
    use.stage !== undefined &&
    use.instruction.name !== 'FROM' &&
    use.instruction.name !== 'EXPOSE'
  );
}

/** Names the base image (or its chain of stages) is known to define, or undefined when unknown. */
function knownBaseEnv(context: RuleContext, stage: Stage): ReadonlySet<string> | undefined {
  let root: Stage = stage;
  for (let parent = context.symbols.baseStage(root); parent; parent = context.symbols.baseStage(root))
    root = parent;
  const base = root.base?.value;
  if (base === undefined) return undefined;
  if (base.toLowerCase() === 'scratch') return new Set();
  const env = context.environment.images.find(splitReference(base)[0])?.env;
  return env ? new Set(env.map((e) => e.split('=')[0])) : undefined;
}

export const UndefinedVar: Rule = {
  name: 'UndefinedVar',
  source: 'buildkit',
  description: 'Variables should be defined before their use',
  url: buildkitRuleUrl('undefined-var'),
  severity: 'warning',
  fix: 'Replaces the name with the suggested one.',
  check(context) {
    const symbols = context.symbols;
    const reported = new Set<string>();
    for (const use of symbols.uses) {
      if (use.defined || !use.stage || !isChecked(use)) continue;
      const name = use.reference.name;
      const key = `${use.instruction.startOffset}:${name}`;
      if (reported.has(key)) continue;
      const suggestion = didYouMean(name, symbols.namesVisibleAt(use.reference.startOffset));
      const baseEnv = knownBaseEnv(context, use.stage);
      if (baseEnv === undefined) {
        // The base image may define it. Report only what is surely a mistake: a near-miss of a
        // variable in scope, or a use before the stage declares it.
        if (commonImageEnv.has(name)) continue;
        const declarations = symbols.declarationsNamed(name);
        const declaredLater = declarations.some((d) => d.stage === use.stage);
        const globalOnly = declarations.some((d) => d.stage === undefined);
        if (!suggestion && !declaredLater && !globalOnly) continue;
      } else if (baseEnv.has(name)) {
        continue;
      }
      reported.add(key);
      const hint = suggestion ? ` (did you mean $${suggestion}?)` : '';
      const fixes = [];
      if (suggestion) {
        fixes.push({
          title: `Change to $${suggestion}`,
          edits: [{ range: use.reference.nameSpan.range, newText: suggestion }],
          preferred: true,
        });
      }
      if (symbols.declarationsNamed(name).some((d) => d.stage === undefined)) {
        // A global ARG is visible only in FROM lines until the stage declares it again.
        const at = { line: use.stage.from.range.end.line + 1, character: 0 };
        fixes.push({
          title: `Declare ARG ${name} in this stage`,
          edits: [{ range: { start: at, end: at }, newText: `ARG ${name}\n` }],
          preferred: !suggestion,
        });
      }
      context.report(use.reference, `Usage of undefined variable '$${name}'${hint}`, { fixes });
    }
  },
};
