import { splitPortSpec } from '../..';
import type { Rule } from './rule';
import { buildkitRuleUrl } from './support';

export const ExposeInvalidFormat: Rule = {
  name: 'ExposeInvalidFormat',
  source: 'buildkit',
  description:
    'IP address and host-port mapping should not be used in EXPOSE instruction. This will become an error in a future release',
  url: buildkitRuleUrl('expose-invalid-format'),
  severity: 'warning',
  fix: 'Keeps only the container port (publish host ports at run time with -p).',
  check(context) {
    for (const { instruction } of context.instructions('EXPOSE')) {
      for (const arg of instruction.args) {
        if (arg.value.includes('$')) continue;
        const spec = splitPortSpec(arg.value);
        if (spec.ip === '' && spec.hostPort === '') continue;
        const containerOnly = spec.proto ? `${spec.containerPort}/${spec.proto}` : spec.containerPort;
        context.report(
          arg,
          `EXPOSE instruction should not define an IP address or host-port mapping, found '${arg.value}'`,
          {
            fixes: [
              {
                title: `Expose ${containerOnly} only`,
                edits: [{ range: arg.range, newText: containerOnly }],
                preferred: true,
              },
            ],
          },
        );
      }
    }
  },
};
