import { DiagnosticTag } from 'vscode-languageserver-types';
import type { Rule } from './rule';
import { buildkitRuleUrl } from './support';

export const MaintainerDeprecated: Rule = {
  name: 'MaintainerDeprecated',
  source: 'buildkit',
  description: 'The MAINTAINER instruction is deprecated, use a label instead to define an image author',
  url: buildkitRuleUrl('maintainer-deprecated'),
  severity: 'warning',
  hadolint: ['DL4000'],
  fix: 'Replaces it with LABEL org.opencontainers.image.authors="…".',
  check(context) {
    for (const { instruction } of context.instructions('MAINTAINER')) {
      const author = instruction.argsText?.value ?? '';
      const label = `LABEL org.opencontainers.image.authors=${JSON.stringify(author)}`;
      context.report(instruction, 'Maintainer instruction is deprecated in favor of using label', {
        tags: [DiagnosticTag.Deprecated],
        fixes: [
          {
            title: 'Replace with LABEL org.opencontainers.image.authors',
            edits: [{ range: instruction.range, newText: label }],
            preferred: true,
          },
        ],
      });
    }
  },
};
