// `berth build` when a daemon answers: the context packed as the docker CLI packs it (.dockerignore
// applied, the Dockerfile always sent) and streamed to the classic POST /build with the flags as
// its query; the daemon's JSON messages come back to the caller to render, the image ID is returned.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import type { BuildRequest } from '../../build';
import { packContext } from '../../build/context/pack';
import { formatPlatform } from '../../oci/platform';
import type { DaemonApi } from './client';
import { followJsonLines, registryConfig, type StreamMessage } from './images';

export interface DaemonBuildOutput {
  /** Bytes of context sent so far; `done` once the whole tar is out. */
  sending(bytes: number, done: boolean): void;
  /** A message of the build's stream (step lines, output, base image pull progress). */
  message(m: StreamMessage): void;
}

export async function buildOnDaemon(
  daemon: DaemonApi,
  request: BuildRequest,
  quiet: boolean,
  out: DaemonBuildOutput,
): Promise<string> {
  if (request.secrets?.length) {
    throw new Error(
      "--secret needs a builder that mounts secrets, which the engine's /build API does not carry: build in-process with `berth --root DIR build`",
    );
  }
  const dockerfilePath = resolve(request.contextDir, request.dockerfile ?? 'Dockerfile');
  if (request.dockerfileText === undefined && !existsSync(dockerfilePath)) {
    throw new Error(
      `unable to prepare context: cannot locate the Dockerfile ${dockerfilePath}: name it with -f, or add one to the context`,
    );
  }
  const packed = packContext({
    contextDir: request.contextDir,
    dockerfilePath,
    ...(request.dockerfileText !== undefined && { dockerfileText: request.dockerfileText }),
  });
  let sent = 0;
  const counted = new PassThrough();
  counted.on('data', (chunk: Buffer) => out.sending((sent += chunk.length), false));
  counted.on('end', () => out.sending(sent, true));
  (packed.tar as Readable).on('error', (err) => counted.destroy(err)).pipe(counted);
  const res = await daemon.raw(
    'POST',
    '/build',
    {
      t: request.tags ?? [],
      dockerfile: packed.dockerfile,
      buildargs: jsonOrUndefined(request.buildArgs),
      labels: jsonOrUndefined(request.labels),
      target: request.target,
      nocache: request.noCache || undefined,
      pull: request.pull || undefined,
      networkmode: request.network && request.network !== 'default' ? request.network : undefined,
      platform: request.platform && formatPlatform(request.platform),
      q: quiet || undefined,
      rm: true,
    },
    counted,
    { 'Content-Type': 'application/x-tar', ...registryConfig() },
  );
  let id: string | undefined;
  await followJsonLines(res, (m) => {
    if (m.aux?.ID) id = m.aux.ID;
    else if (!quiet) out.message(m);
  });
  if (!id) throw new Error('the engine ended the build without naming the image it built');
  return id;
}

function jsonOrUndefined(map: Record<string, string> | undefined): string | undefined {
  return map && Object.keys(map).length ? JSON.stringify(map) : undefined;
}
