import { evaluateGlobalArgs, processShellWord, variablesFrom } from '../..';
import { parseImageReference } from '../analysis/imageReference';
import type { Rule } from './rule';
import { buildkitRuleUrl } from './support';

export const InvalidDefaultArgInFrom: Rule = {
  name: 'InvalidDefaultArgInFrom',
  source: 'buildkit',
  description: 'Default value for global ARG results in an empty or invalid base image name',
  url: buildkitRuleUrl('invalid-default-arg-in-from'),
  severity: 'warning',
  check(context) {
    const dockerfile = context.dockerfile;
    if (!dockerfile.stages.some((s) => s.from.variables.length > 0)) return;
    // The global ARG values of a build with no --build-arg, as the builder computes them.
    const globals = evaluateGlobalArgs(dockerfile);
    if (globals.errors.length > 0) return;
    const vars = variablesFrom(globals.values);
    for (const stage of dockerfile.stages) {
      const base = stage.base;
      if (!base || stage.from.variables.length === 0) continue;
      const result = processShellWord(base.value, vars, { escapeChar: dockerfile.escapeChar });
      if (result.error !== undefined) return;
      if (result.value.toLowerCase() !== 'scratch' && parseImageReference(result.value) === undefined) {
        context.report(
          base,
          `Default value for ARG ${base.value} results in empty or invalid base image name`,
        );
      }
    }
  },
};
