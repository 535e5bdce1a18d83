import type { Rule } from './rule';
import { buildkitRuleUrl, goQuoted } from './support';

// A secret-looking word as a whole name or as its first/last `_`-separated part, as BuildKit matches.
const secret = /(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)/i;
const allowed = /(?:_|^)(?:public|file|version)(?:_|$)/i;

export const SecretsUsedInArgOrEnv: Rule = {
  name: 'SecretsUsedInArgOrEnv',
  source: 'buildkit',
  description: 'Sensitive data should not be used in the ARG or ENV commands',
  url: buildkitRuleUrl('secrets-used-in-arg-or-env'),
  severity: 'warning',
  hadolint: ['DL3064'],
  check(context) {
    for (const declaration of context.symbols.declarations) {
      const name = declaration.name;
      if (!secret.test(name) || allowed.test(name)) continue;
      context.report(
        declaration.nameSpan,
        `Do not use ARG or ENV instructions for sensitive data (${declaration.kind} ${goQuoted(name)})`,
      );
    }
  },
};
