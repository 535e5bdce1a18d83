// From a Dockerfile to what the build will do: the stages the target needs (and only those), what
// each stage starts from (scratch, an image, an earlier stage), which stages and images its
// COPY --from and RUN --mount from= read, and the global ARG values FROM lines see. Syntax errors
// come from the one parser, in its words, so the builder and the language server agree.
import {
  type Dockerfile,
  evaluateGlobalArgs,
  type Instruction,
  parseCheckOptions,
  parseDockerfile,
  processShellWord,
  type Stage,
  variablesFrom,
} from '../dockerfile';
import { checkBuildArg } from '../dockerfile/lint/buildChecks';
import type { Platform } from '../oci/image-spec';
import { hostPlatform, parsePlatform } from '../oci/platform';
import { formatReference, parseReference } from '../oci/reference';
import { BuildError, type DockerfileLocation } from './errors';
import type { BuildRequest } from './options';

export type StageBase =
  { kind: 'scratch' } | { kind: 'stage'; index: number } | { kind: 'image'; reference: string };

/** Something a stage reads from besides its own base: another stage, or an image. */
export type StageSource = { kind: 'stage'; index: number } | { kind: 'image'; reference: string };

export interface PlannedStage {
  index: number;
  stage: Stage;
  /** The name BuildKit shows: the stage name, `stage-N` when unnamed, '' when it is the only stage. */
  displayName: string;
  base: StageBase;
  /** The platform to build for: FROM --platform, else the build's target platform. */
  platform: Platform;
  /** Earlier stages this one reads (base excluded). */
  stageDeps: Set<number>;
}

export interface BuildPlan {
  dockerfile: Dockerfile;
  /** The Dockerfile's name for messages (`Dockerfile`, `build/Dockerfile.dev`). */
  fileName: string;
  stages: PlannedStage[];
  target: number;
  /** Indexes of the stages the target needs, the target last. */
  needed: number[];
  /** Values FROM lines and bare stage ARGs see (platform ARGs and global ARGs). */
  metaArgs: Map<string, string>;
  /** The target platform. */
  platform: Platform;
}

export function locationOf(
  fileName: string,
  df: Dockerfile,
  span: { startOffset: number; endOffset: number },
): DockerfileLocation {
  return {
    file: fileName,
    startLine: df.positionAt(span.startOffset).line + 1,
    endLine: df.positionAt(Math.max(span.startOffset, span.endOffset - 1)).line + 1,
  };
}

export function planBuild(text: string, fileName: string, request: BuildRequest): BuildPlan {
  const df = parseDockerfile(text);
  const firstError = df.errors[0];
  if (firstError) {
    const location = locationOf(fileName, df, firstError);
    throw new BuildError(`dockerfile parse error on line ${location.startLine}: ${firstError.message}`, {
      location,
    });
  }
  // The check build-arg replaces the directive (build/checks.ts): then it is not read at all.
  const replaced = Object.hasOwn(request.buildArgs ?? {}, checkBuildArg);
  const check = replaced ? undefined : df.directives.find((d) => d.name === 'check');
  const checkError = check && parseCheckOptions(check.value).error;
  if (check && checkError !== undefined) {
    throw new BuildError(`failed to parse check options: ${checkError}`, {
      location: locationOf(fileName, df, check),
    });
  }
  if (df.stages.length === 0) {
    throw new BuildError(`${fileName} has no FROM instruction: a build needs at least one stage`);
  }
  const platform = request.platform ?? hostPlatform();
  const globals = evaluateGlobalArgs(df, {
    buildArgs: request.buildArgs,
    targetPlatform: {
      os: platform.os,
      architecture: platform.architecture,
      ...(platform.variant && { variant: platform.variant }),
    },
    target: request.target,
  });
  if (globals.errors.length > 0) {
    const e = globals.errors[0];
    throw new BuildError(e.message, { location: locationOf(fileName, df, e.span) });
  }
  const metaArgs = globals.values;
  const metaVars = variablesFrom(metaArgs);
  const expandMeta = (word: string, at: Instruction): string => {
    const r = processShellWord(word, metaVars, { escapeChar: df.escapeChar });
    if (r.error !== undefined) throw new BuildError(r.error, { location: locationOf(fileName, df, at) });
    return r.value;
  };

  const byName = new Map<string, number>();
  const stages: PlannedStage[] = df.stages.map((stage, index) => {
    const from = stage.from;
    const written = stage.base?.value ?? '';
    const baseName = expandMeta(written, from);
    if (baseName === '') {
      throw new BuildError(`base name (${written}) should not be blank`, {
        location: locationOf(fileName, df, from),
      });
    }
    let base: StageBase;
    const earlier = byName.get(baseName.toLowerCase());
    if (earlier !== undefined) base = { kind: 'stage', index: earlier };
    else if (baseName === 'scratch') base = { kind: 'scratch' };
    else base = { kind: 'image', reference: normalizeImage(baseName, fileName, df, from) };
    let stagePlatform = platform;
    if (stage.platform?.value !== undefined) {
      const value = expandMeta(stage.platform.value, from);
      if (value === '') {
        throw new BuildError(`empty platform value from expression ${stage.platform.value}`, {
          location: locationOf(fileName, df, from),
        });
      }
      try {
        stagePlatform = parsePlatform(value);
      } catch (err) {
        throw new BuildError(`failed to parse platform ${stage.platform.value}: ${(err as Error).message}`, {
          location: locationOf(fileName, df, from),
        });
      }
    }
    if (stage.name) byName.set(stage.name, index);
    return {
      index,
      stage,
      displayName: df.stages.length === 1 ? '' : (stage.name ?? `stage-${index}`),
      base,
      platform: stagePlatform,
      stageDeps: new Set<number>(),
    };
  });

  // Every stage name is known now: a COPY --from may name any stage (it must come earlier; that is
  // checked when the stage runs, with BuildKit's message).
  for (const planned of stages) {
    for (const instruction of planned.stage.instructions) {
      for (const source of sourcesOf(instruction, byName, stages.length, (w) => expandMeta(w, instruction))) {
        if (source.kind === 'stage') planned.stageDeps.add(source.index);
      }
    }
  }

  let target = stages.length - 1;
  if (request.target) {
    const found = byName.get(request.target.toLowerCase());
    if (found === undefined) throw new BuildError(`target stage "${request.target}" could not be found`);
    target = found;
  }
  const needed = new Set<number>();
  const visit = (i: number) => {
    if (needed.has(i)) return;
    needed.add(i);
    const s = stages[i];
    if (s.base.kind === 'stage') visit(s.base.index);
    for (const d of s.stageDeps) visit(d);
  };
  visit(target);
  return {
    dockerfile: df,
    fileName,
    stages,
    target,
    needed: [...needed].sort((a, b) => a - b),
    metaArgs,
    platform,
  };
}

function normalizeImage(name: string, fileName: string, df: Dockerfile, at: Instruction): string {
  try {
    return formatReference(parseReference(name));
  } catch (err) {
    throw new BuildError(`failed to parse stage name "${name}": ${(err as Error).message}`, {
      location: locationOf(fileName, df, at),
    });
  }
}

/**
 * What an instruction reads from outside its stage: `COPY --from=…` and `RUN --mount=…,from=…`.
 * A number is a stage index, a stage name a stage, anything else an image.
 */
export function sourcesOf(
  instruction: Instruction,
  byName: ReadonlyMap<string, number>,
  stageCount: number,
  expand: (word: string) => string,
): StageSource[] {
  const command = instruction.command;
  const names: string[] = [];
  if (command?.kind === 'COPY' && command.from !== '') names.push(expand(command.from));
  if (command?.kind === 'RUN') {
    for (const m of command.mounts) if (m.from !== '' && m.type !== 'secret') names.push(m.from);
  }
  return names.map((name) => resolveSource(name, byName, stageCount));
}

export function resolveSource(
  name: string,
  byName: ReadonlyMap<string, number>,
  stageCount: number,
): StageSource {
  if (/^\d+$/.test(name)) {
    const index = Number(name);
    if (index >= stageCount) throw new BuildError(`invalid stage index ${index}`);
    return { kind: 'stage', index };
  }
  const stage = byName.get(name.toLowerCase());
  if (stage !== undefined) return { kind: 'stage', index: stage };
  return { kind: 'image', reference: formatReference(parseReference(name)) };
}
