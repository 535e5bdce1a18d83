import { processShellWord } from '../../../engine/src/dockerfile';
import { parseImageReference } from '../analysis/imageReference';
import type { Rule } from './rule';
import { buildkitRuleUrl } from './support';

/** What BuildKit predefines for FROM lines when no build arguments are given (a linux/amd64 build). */
const platformDefaults: Readonly<Record<string, string>> = {
  BUILDPLATFORM: 'linux/amd64',
  BUILDOS: 'linux',
  BUILDARCH: 'amd64',
  BUILDVARIANT: '',
  TARGETPLATFORM: 'linux/amd64',
  TARGETOS: 'linux',
  TARGETARCH: 'amd64',
  TARGETVARIANT: '',
};

export const InvalidDefaultArgInFrom: Rule = {
  name: 'InvalidDefaultArgInFrom',
  source: 'buildkit',
  description: 'Default value for global ARG results in an empty or invalid base image name',
  url: buildkitRuleUrl('invalid-default-arg-in-from'),
  severity: 'warning',
  check(context) {
    const dockerfile = context.dockerfile;
    // The global ARG defaults, expanded in order as BuildKit does with no --build-arg.
    const values = new Map(Object.entries(platformDefaults));
    const vars = { get: (name: string) => values.get(name), keys: () => values.keys() };
    for (const declaration of context.symbols.declarations) {
      if (declaration.stage !== undefined || declaration.value === undefined) continue;
      const result = processShellWord(declaration.value, vars, { escapeChar: dockerfile.escapeChar });
      if (result.error !== undefined) return;
      values.set(declaration.name, result.value);
    }
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
