// The build's pre-flight: BuildKit's checks (engine/src/dockerfile/lint) run over the Dockerfile
// before any step, under the `# check=` directive or the BUILDKIT_DOCKERFILE_CHECK build-arg. The
// findings are reported after a successful build; with `error=true`, any finding fails the build
// here, before anything runs, as BuildKit fails it.
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  buildCheckConfig,
  checkBuildArg,
  runBuildChecks,
  type CheckFinding,
} from '../dockerfile/lint/buildChecks';
import { DockerfileDocument } from '../dockerfile/lint/document';
import { defaultEnvironment, type BuildContextFiles } from '../dockerfile/lint/environment';
import { BuildError } from './errors';
import { findingLine } from './progress/check-warnings';

/** Small files of the build context the checks read (CopyIgnoredFile reads `.dockerignore`). */
const contextFiles: BuildContextFiles = {
  list: () => undefined,
  read(fileUri) {
    try {
      return readFileSync(fileURLToPath(fileUri), 'utf8');
    } catch {
      return undefined;
    }
  },
};

/**
 * Runs the checks; returns the findings to report, or throws a BuildError naming the rules and
 * their lines when the configuration says `error=true` and there are any.
 */
export function preflightChecks(
  text: string,
  fileName: string,
  contextDir: string,
  dockerfilePath: string,
  buildArgs: Readonly<Record<string, string>>,
): CheckFinding[] {
  // Placed in the context directory, so that the checks read the context's `.dockerignore`.
  const document = new DockerfileDocument(
    pathToFileURL(join(contextDir, basename(dockerfilePath))).href,
    0,
    text,
  );
  const checkConfig = buildCheckConfig(document.dockerfile.directives, buildArgs);
  if (checkConfig.error !== undefined) throw new BuildError(checkConfig.error);
  const { config, source } = checkConfig;
  const findings = runBuildChecks(document, { ...defaultEnvironment, files: contextFiles }, config);
  if (!config.error || findings.length === 0) return findings;
  const rules = [...new Set(findings.map((f) => f.rule))].sort();
  const where =
    source === 'build-arg' ? `the ${checkBuildArg} build-arg` : `the "# check=" directive of ${fileName}`;
  throw new BuildError(
    [
      `lint violation found for rules: ${rules.join(', ')}`,
      ...findings.map(findingLine),
      `${where} sets error=true, so check warnings fail the build: fix them, or skip a rule with check=skip=<Rule>`,
    ].join('\n'),
    { location: { file: fileName, startLine: findings[0].line, endLine: findings[0].line } },
  );
}
