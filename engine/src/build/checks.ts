// The build's pre-flight: BuildKit's checks (engine/src/dockerfile/lint) run over the Dockerfile
// before any stage starts, under the `# check=` directive or the BUILDKIT_DOCKERFILE_CHECK
// build-arg. The findings are reported once the build is over (failed or not); with `error=true`, any finding
// fails the build before anything runs, as BuildKit fails it.
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  buildCheckConfig,
  checkBuildArg,
  runBuildChecks,
  type CheckConfigSource,
  type CheckFinding,
} from '../dockerfile/lint/buildChecks';
import type { CheckConfig } from '../dockerfile/check-options';
import { findDockerignore } from '../dockerfile/dockerignore';
import { DockerfileDocument } from '../dockerfile/lint/document';
import {
  defaultEnvironment,
  ImageCatalog,
  type BuildContextFiles,
  type LocalImage,
} from '../dockerfile/lint/environment';
import type { Platform } from '../oci/image-spec';
import { formatPlatform } from '../oci/platform';
import { parseReference, repositoryName } from '../oci/reference';
import type { StoredImage } from '../store/store';
import { BuildError } from './errors';
import type { BuildPlan } from './plan';
import { findingLine } from './progress/check-warnings';

/**
 * The build context as the checks see it. Their one read is CopyIgnoredFile's, of the ignore file
 * next to the Dockerfile: it gets the file this build applies (`findDockerignore`, the same search
 * the context loader makes), also for a `-f` Dockerfile outside the context, whose
 * `<name>.dockerignore` lies next to it and not in the context.
 */
function buildContextFiles(ignoreFile: string | undefined): BuildContextFiles {
  return {
    list: () => undefined,
    read: (fileUri) => (fileUri.endsWith('.dockerignore') ? ignoreFile : undefined),
  };
}

export class BuildChecks {
  private constructor(
    private readonly document: DockerfileDocument,
    private readonly fileName: string,
    private readonly config: CheckConfig,
    private readonly source: CheckConfigSource,
    private readonly files: BuildContextFiles,
  ) {}

  /** Reads the check configuration; a BUILDKIT_DOCKERFILE_CHECK that does not parse fails here. */
  static prepare(
    text: string,
    fileName: string,
    contextDir: string,
    dockerfilePath: string,
    buildArgs: Readonly<Record<string, string>>,
  ): BuildChecks {
    // A file URI, in the context: CopyIgnoredFile reads the ignore file only for a file on disk.
    const uri = pathToFileURL(join(contextDir, basename(dockerfilePath))).href;
    const document = new DockerfileDocument(uri, 0, text);
    const parsed = buildCheckConfig(document.dockerfile.directives, buildArgs);
    if (parsed.error !== undefined) throw new BuildError(parsed.error);
    const files = buildContextFiles(findDockerignore(contextDir, dockerfilePath)?.text);
    return new BuildChecks(document, fileName, parsed.config, parsed.source, files);
  }

  /** Whether any check can report: with `skip=all` the base images need not be looked at. */
  get skipsAll(): boolean {
    return this.config.skipAll;
  }

  /**
   * Runs the checks, knowing the base images (`images`); returns the findings to report, or throws
   * a BuildError naming the rules and their lines when the configuration says `error=true`.
   */
  run(images: ImageCatalog): CheckFinding[] {
    const environment = { ...defaultEnvironment, images, files: this.files };
    const findings = runBuildChecks(this.document, environment, this.config);
    if (!this.config.error || findings.length === 0) return findings;
    const rules = [...new Set(findings.map((f) => f.rule))].sort();
    const where =
      this.source === 'build-arg'
        ? `the ${checkBuildArg} build-arg`
        : `the "# check=" directive of ${this.fileName}`;
    throw new BuildError(
      [
        `lint violation found for rules: ${rules.join(', ')}`,
        ...findings.map(findingLine),
        `${where} sets error=true, so check warnings fail the build: fix them, or skip a rule with check=skip=<Rule>`,
      ].join('\n'),
      { location: { file: this.fileName, startLine: findings[0].line, endLine: findings[0].line } },
    );
  }
}

/**
 * The base images of the stages the build needs, as the checks read them: the ENV names they set
 * (UndefinedVar) and their platform (InvalidBaseImagePlatform). BuildKit lints with this metadata
 * at hand; `image` resolves each one (pulling what is missing), which its stage does first anyway.
 */
export async function baseImageCatalog(
  plan: BuildPlan,
  image: (reference: string, platform: Platform) => Promise<StoredImage>,
): Promise<ImageCatalog> {
  const bases = plan.needed.map((index) => plan.stages[index]);
  const images = await Promise.all(
    bases.map(async ({ base, platform }): Promise<LocalImage | undefined> => {
      if (base.kind !== 'image') return undefined;
      const stored = await image(base.reference, platform);
      const reference = parseReference(base.reference);
      return {
        name: repositoryName(reference),
        tags: reference.tag === undefined ? [] : [reference.tag],
        id: stored.id,
        platform: formatPlatform(stored.config),
        env: stored.config.config?.Env ?? [],
      };
    }),
  );
  return new ImageCatalog(
    images.filter((i) => i !== undefined),
    formatPlatform(plan.platform),
  );
}
