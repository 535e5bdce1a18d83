// BuildKit's checks as a build runs them: only BuildKit's own rules (not ours), at their default
// severities, under the configuration the build uses. That is the `# check=` directive, unless the
// BUILDKIT_DOCKERFILE_CHECK build-arg is given: BuildKit then reads the build-arg instead of the
// directive (it replaces it, nothing is merged), so `--build-arg BUILDKIT_DOCKERFILE_CHECK=skip=all`
// silences a Dockerfile whose directive says `error=true`.
import type { Directive } from '../model';
import { parseCheckOptions, type CheckConfig } from '../check-options';
import type { DockerfileDocument } from './document';
import type { ServiceEnvironment } from './environment';
import { fileCheckConfig } from './rules/checkConfig';
import { buildkitRules } from './rules/index';
import { lintWith } from './rules/lint';

export const checkBuildArg = 'BUILDKIT_DOCKERFILE_CHECK';

/** Where the build's check configuration came from, to name it in messages. */
export type CheckConfigSource = 'directive' | 'build-arg';

export type BuildCheckConfig =
  | { config: CheckConfig; source: CheckConfigSource; error?: undefined }
  | { config?: undefined; source?: undefined; error: string };

/** One finding of a build's checks, as BuildKit lists it: `- <rule>: <message> (line <n>)`. */
export interface CheckFinding {
  readonly rule: string;
  readonly message: string;
  /** 1-based line the finding starts on. */
  readonly line: number;
  /** The rule's documentation. */
  readonly url: string;
}

/** The check configuration of a build: the build-arg when given, else the file's directive. */
export function buildCheckConfig(
  directives: readonly Directive[],
  buildArgs: Readonly<Record<string, string>>,
): BuildCheckConfig {
  const fromArg = Object.hasOwn(buildArgs, checkBuildArg) ? buildArgs[checkBuildArg] : undefined;
  if (fromArg === undefined) return { config: fileCheckConfig(directives), source: 'directive' };
  const parsed = parseCheckOptions(fromArg);
  if (parsed.error !== undefined) {
    return {
      error: `failed to parse check options from the ${checkBuildArg} build-arg: ${parsed.error}`,
    };
  }
  return { config: parsed.config, source: 'build-arg' };
}

/** Runs BuildKit's checks over a Dockerfile; findings in line order. */
export function runBuildChecks(
  document: DockerfileDocument,
  environment: ServiceEnvironment,
  config: CheckConfig,
): CheckFinding[] {
  return lintWith(document, environment, buildkitRules, config)
    .map(({ finding }) => ({
      rule: finding.rule.name,
      message: finding.message,
      line: finding.range.start.line + 1,
      url: finding.rule.url,
    }))
    .sort((a, b) => a.line - b.line);
}
