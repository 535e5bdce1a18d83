// One image build through the engine's /build: pack the context, stream the engine's output to the
// caller, and on failure say which Dockerfile line failed.
import type Docker from 'dockerode';
import { readFileSync } from 'node:fs';

import { parseDockerfile } from '../../../engine/src/dockerfile';
import { engineMessage } from '../commands/errors';
import { followJsonLines } from '../engine/jsonLines';
import type { ProgressMessage } from '../engine/progress';
import { loadEngineBundle } from '../lazy';
import { BuildOutputReader, locateBuildError, problemLine, type InstructionLine } from './buildOutput';
import { dockerfileInContext } from './buildRequest';

export interface BuildRequest {
  /** Absolute path of the Dockerfile. */
  readonly dockerfile: string;
  /** Absolute path of the build context folder. */
  readonly contextDir: string;
  readonly tag: string;
  /** Build only up to this stage (docker build --target). */
  readonly target?: string;
  readonly buildArgs?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
  readonly pull?: boolean;
  readonly noCache?: boolean;
}

export class BuildFailedError extends Error {
  constructor(
    message: string,
    /** 0-based Dockerfile line the error belongs to, when known. */
    readonly line: number | undefined,
  ) {
    super(message);
  }
}

const RED = '\x1b[31m';
const RESET = '\x1b[0m';

function instructionLines(dockerfile: string): InstructionLine[] {
  try {
    return parseDockerfile(readFileSync(dockerfile, 'utf8')).instructions.map((i) => ({
      line: i.range.start.line,
      text: i.line,
    }));
  } catch {
    return [];
  }
}

/** Runs the build, writing its output (\n line ends) to `write`; resolves with the image ID. */
export async function runBuild(
  docker: Docker,
  request: BuildRequest,
  write: (text: string) => void,
  signal: AbortSignal,
): Promise<string> {
  const dockerfile = dockerfileInContext(request);
  write(
    `Building ${request.tag}${request.target ? ` (stage ${request.target})` : ''} from ${request.dockerfile}\ncontext: ${request.contextDir}\n\n`,
  );
  const reader = new BuildOutputReader();
  let failure: string | undefined;
  try {
    const context = loadEngineBundle().packBuildContext(request);
    const stream = (await docker.buildImage(context, {
      t: request.tag,
      dockerfile,
      target: request.target,
      buildargs: request.buildArgs,
      labels: request.labels,
      pull: request.pull,
      nocache: request.noCache,
      rm: true,
      // A failed step's container is of no use to anyone; the docker CLI leaves it, we do not.
      forcerm: true,
      abortSignal: signal,
    } as Docker.ImageBuildOptions & { abortSignal: AbortSignal })) as NodeJS.ReadableStream;
    await followJsonLines<ProgressMessage>(stream, (message) => {
      if (message.error || message.errorDetail?.message) {
        failure = message.errorDetail?.message || message.error;
        return;
      }
      const text = reader.read(message);
      if (text) write(text);
    });
  } catch (err) {
    if (signal.aborted) throw Object.assign(new Error('the build was cancelled'), { name: 'AbortError' });
    failure = engineMessage(err);
  }
  if (failure !== undefined) {
    const line = locateBuildError(failure, reader.step, instructionLines(request.dockerfile));
    write(`\n${RED}${failure}${RESET}\n${problemLine(request.dockerfile, line, failure)}\n`);
    throw new BuildFailedError(failure, line);
  }
  const imageId = reader.imageId ?? (await docker.getImage(request.tag).inspect()).Id;
  write(`\nBuilt ${request.tag} (${imageId.replace(/^sha256:/, '').slice(0, 12)})\n`);
  return imageId;
}
