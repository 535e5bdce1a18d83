import { parseImageReference } from '../analysis/imageReference';
import type { Rule } from './rule';
import { berthRuleUrl } from './support';

export const DisallowedRegistry: Rule = {
  name: 'DisallowedRegistry',
  source: 'berth',
  description:
    'Base images must come from a registry listed in `berth.dockerfile.allowedRegistries` (no check while the list is empty).',
  url: berthRuleUrl('DisallowedRegistry'),
  severity: 'error',
  hadolint: ['DL3026'],
  check(context) {
    const allowed = context.environment.settings.allowedRegistries;
    if (allowed.length === 0) return;
    for (const stage of context.dockerfile.stages) {
      const base = stage.base;
      if (
        !base ||
        base.value.includes('$') ||
        base.value.toLowerCase() === 'scratch' ||
        context.symbols.baseStage(stage)
      )
        continue;
      const reference = parseImageReference(base.value);
      if (!reference) continue;
      const registry = reference.registry;
      const ok = allowed.some(
        (a) =>
          a === registry ||
          (a === 'docker.io' && registry === 'docker.io') ||
          (a.startsWith('*.') && registry.endsWith(a.slice(1))),
      );
      if (!ok)
        context.report(
          base,
          `Use only an allowed registry in the FROM image: ${registry} is not in berth.dockerfile.allowedRegistries`,
        );
    }
  },
};
