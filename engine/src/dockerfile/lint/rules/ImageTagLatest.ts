import { parseImageReference } from '../analysis/imageReference';
import type { Rule } from './rule';
import { berthRuleUrl } from './support';

export const ImageTagLatest: Rule = {
  name: 'ImageTagLatest',
  source: 'berth',
  description:
    'The `latest` tag moves with every release: pin a version tag (or a digest) so rebuilds get the same base.',
  url: berthRuleUrl('ImageTagLatest'),
  severity: 'warning',
  hadolint: ['DL3007'],
  check(context) {
    for (const stage of context.dockerfile.stages) {
      const base = stage.base;
      if (!base || base.value.includes('$')) continue;
      const reference = parseImageReference(base.value);
      if (reference?.tag !== 'latest' || reference.digest) continue;
      context.report(
        base,
        'Using latest is prone to errors if the image will ever update. Pin the version explicitly to a release tag',
      );
    }
  },
};
