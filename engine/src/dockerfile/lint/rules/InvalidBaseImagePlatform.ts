import { splitReference } from '../analysis/imageReference';
import type { Rule } from './rule';

/** `os/arch` of a platform string (variant dropped, as BuildKit compares only OS and architecture). */
function osArch(platform: string): string {
  return platform.split('/').slice(0, 2).join('/');
}

export const InvalidBaseImagePlatform: Rule = {
  name: 'InvalidBaseImagePlatform',
  source: 'buildkit',
  description: 'Base image platform does not match expected target platform',
  // BuildKit publishes no page for this check; the FROM reference explains --platform.
  url: 'https://docs.docker.com/reference/dockerfile/#from',
  severity: 'warning',
  check(context) {
    // Needs the engine: which platform it builds for and which platform each local image has.
    const expected = context.environment.images.platform;
    if (!expected) return;
    for (const stage of context.dockerfile.stages) {
      if (!stage.base || stage.platform || context.symbols.baseStage(stage)) continue;
      const [name, tag = 'latest'] = splitReference(stage.base.value);
      const image = context.environment.images.find(name);
      if (!image?.platform || !image.tags.includes(tag)) continue;
      if (osArch(image.platform) === osArch(expected)) continue;
      context.report(
        stage.base,
        `Base image ${stage.base.value} was pulled with platform "${image.platform}", expected "${expected}" for current build`,
      );
    }
  },
};
