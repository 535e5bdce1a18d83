// Runs every rule over a document and decides what each finding becomes: dropped (rule off,
// skipped by `# check=`), or kept with its effective severity. Results are cached per document
// version and settings, so diagnostics and code actions share one run.
import type { DockerfileDocument } from '../document';
import type { ServiceEnvironment } from '../environment';
import type { Severity } from '../settings';
import type { CheckConfig } from '../..';
import { fileCheckConfig, instructionCheckConfig } from './checkConfig';
import { allRules } from './index';
import { RuleContext, type Finding, type Rule } from './rule';
import { SharedAnalysis } from './shared';

export interface LintResult {
  readonly finding: Finding;
  readonly severity: Severity;
}

const lintKey = Symbol('lint');
const nothing = () => undefined;
/** A `# check=` comment above an instruction. */
const checkComment = /check\s*=/i;

export function lint(document: DockerfileDocument, environment: ServiceEnvironment): readonly LintResult[] {
  const cached = document.cached<{ environment: ServiceEnvironment; results: LintResult[] } | undefined>(
    lintKey,
    nothing,
  );
  if (cached?.environment === environment) return cached.results;
  const results = lintWith(document, environment, allRules, fileCheckConfig(document.dockerfile.directives));
  document.remember(lintKey, { environment, results });
  return results;
}

/**
 * Runs `rules` over a document under `fileConfig`, the check configuration for the whole file (the
 * `# check=` directive in the editor; in a build, the build-arg that replaces it).
 */
export function lintWith(
  document: DockerfileDocument,
  environment: ServiceEnvironment,
  rules: readonly Rule[],
  fileConfig: CheckConfig,
): LintResult[] {
  const settings = environment.settings;
  const dockerfile = document.dockerfile;
  // Per-instruction `# check=` comments are rare: look findings up only when there are some.
  const scoped = dockerfile.instructions.some(
    (i) => i.comments.length > 0 && i.comments.some((c) => checkComment.test(c)),
  );
  const results: LintResult[] = [];
  const shared = new SharedAnalysis(document);
  for (const rule of rules) {
    const configured = settings.rules[rule.name] ?? 'default';
    if (configured === 'off') continue;
    if (
      rule.experimental &&
      configured === 'default' &&
      !experimentalEnabled(rule, dockerfile, fileConfig, scoped)
    )
      continue;
    if (configured === 'default' && rule.severity === 'off') continue;
    const findings: Finding[] = [];
    try {
      rule.check(new RuleContext(document, environment, rule, findings, shared));
    } catch (error) {
      // A rule bug must never take the other diagnostics down with it.
      console.error(
        `rule ${rule.name} failed on ${document.uri}: ${(error as Error).stack ?? String(error)}`,
      );
      continue;
    }
    for (const finding of findings) {
      const config = scoped ? configFor(document, fileConfig, finding) : fileConfig;
      if (isSkipped(rule, config, configured !== 'default')) continue;
      let severity: Severity = configured === 'default' ? (rule.severity as Severity) : configured;
      if (rule.source === 'buildkit' && config.error) severity = 'error';
      results.push({ finding, severity });
    }
  }
  return results;
}

/**
 * Experimental rules run when the file's configuration names them, or a `check=experimental=`
 * comment above any instruction does (`scoped`: the document has such comments at all).
 */
function experimentalEnabled(
  rule: Rule,
  dockerfile: DockerfileDocument['dockerfile'],
  config: CheckConfig,
  scoped: boolean,
): boolean {
  if (config.experimentalAll || config.experimental.has(rule.name)) return true;
  return (
    scoped &&
    dockerfile.instructions.some((i) => {
      const merged = instructionCheckConfig(config, i);
      return merged.experimentalAll || merged.experimental.has(rule.name);
    })
  );
}

function configFor(document: DockerfileDocument, fileConfig: CheckConfig, finding: Finding): CheckConfig {
  const dockerfile = document.dockerfile;
  const instruction = dockerfile.instructionAt(dockerfile.offsetAt(finding.range.start));
  return instruction ? instructionCheckConfig(fileConfig, instruction) : fileConfig;
}

function isSkipped(rule: Rule, config: CheckConfig, enabledInSettings: boolean): boolean {
  if (rule.experimental && !enabledInSettings)
    return !(config.experimentalAll || config.experimental.has(rule.name));
  return config.skipAll || config.skip.has(rule.name);
}
