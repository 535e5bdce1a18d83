import { parseImageReference } from '../analysis/imageReference';
import type { Rule } from './rule';
import { berthRuleUrl } from './support';

export const ImageTagMissing: Rule = {
  name: 'ImageTagMissing',
  source: 'berth',
  description: 'A base image without a tag or digest means `latest`, which changes under you.',
  url: berthRuleUrl('ImageTagMissing'),
  severity: 'warning',
  hadolint: ['DL3006'],
  check(context) {
    for (const stage of context.dockerfile.stages) {
      const base = stage.base;
      if (!base || base.value.includes('$') || base.value.toLowerCase() === 'scratch') continue;
      if (context.symbols.baseStage(stage)) continue;
      const reference = parseImageReference(base.value);
      if (!reference || reference.tag || reference.digest) continue;
      context.report(
        base,
        `Always tag the version of an image explicitly: ${base.value} means ${base.value}:latest`,
      );
    }
  },
};
