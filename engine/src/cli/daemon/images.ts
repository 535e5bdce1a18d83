// The image verbs' calls when a daemon answers: the same results the in-process backend gives, over
// the Engine API, so each verb renders one shape whichever engine did the work.
import { Readable } from 'node:stream';
import { formatReference, parseReference } from '../../oci/reference';
import { configuredRegistries, lookupCredentials } from '../../registry/credentials';
import type { ProgressListener, ProgressMessage } from '../../registry/progress';
import type { DeleteResponseItem, ImageSummary } from '../../store/views';
import { DaemonError, errorMessage, type DaemonApi, type Query } from './client';
import { jsonLines } from './streams';

function authBody(domain: string): Record<string, string> {
  const credentials = lookupCredentials(domain);
  if (!credentials) return {};
  return credentials.identityToken
    ? { identitytoken: credentials.identityToken, serveraddress: domain }
    : { username: credentials.username, password: credentials.password, serveraddress: domain };
}

/** docker's X-Registry-Auth: the credentials for the reference's registry, base64url JSON. */
function registryAuth(reference: string): Record<string, string> {
  const auth = authBody(parseReference(reference).domain);
  return { 'X-Registry-Auth': Buffer.from(JSON.stringify(auth)).toString('base64url') };
}

/** docker's X-Registry-Config (build): every registry the user logged in to, for the base images. */
export function registryConfig(): Record<string, string> {
  const map = Object.fromEntries(configuredRegistries().map((domain) => [domain, authBody(domain)]));
  return { 'X-Registry-Config': Buffer.from(JSON.stringify(map)).toString('base64') };
}

/** A message of the daemon's JSON streams (pull, push, load, build). */
export interface StreamMessage {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  stream?: string;
  aux?: { ID?: string };
  error?: string;
  errorDetail?: { message?: string };
  message?: string;
}

/** The failure a daemon reports inside a stream that had started (a build step, a layer). */
export class StreamError extends Error {
  override readonly name = 'StreamError';
}

/**
 * Reads a JSON message stream (one object a line), handing each message on. An HTTP error status
 * rejects with the daemon's message; an `error` message in the stream rejects with a StreamError.
 */
export async function followJsonLines(
  res: { status: number; body: Readable },
  onMessage: (m: StreamMessage) => void,
): Promise<void> {
  if (res.status >= 400) {
    let text = '';
    for await (const chunk of res.body) text += String(chunk);
    throw new DaemonError(res.status, errorMessage(text) || `status ${res.status}`);
  }
  for await (const m of jsonLines<StreamMessage>(res.body)) {
    if (m.error) throw new StreamError(m.errorDetail?.message ?? m.error);
    onMessage(m);
  }
}

/** A pull or push progress stream; an error in it is the daemon's answer. */
async function followProgress(
  res: { status: number; body: Readable },
  onProgress: ProgressListener,
): Promise<ProgressMessage[]> {
  const messages: ProgressMessage[] = [];
  try {
    await followJsonLines(res, (m) => {
      if (m.status === undefined) return;
      const message = m as ProgressMessage;
      messages.push(message);
      onProgress(message);
    });
  } catch (err) {
    if (err instanceof StreamError) throw new DaemonError(500, err.message);
    throw err;
  }
  return messages;
}

export async function pullOnDaemon(
  daemon: DaemonApi,
  reference: string,
  platform: string | undefined,
  onProgress: ProgressListener,
): Promise<{ name: string }> {
  const ref = parseReference(reference, { defaultToLatest: true });
  const name = formatReference(ref);
  const res = await daemon.raw(
    'POST',
    '/images/create',
    { fromImage: name, platform },
    undefined,
    registryAuth(reference),
  );
  await followProgress(res, onProgress);
  return { name };
}

export async function pushOnDaemon(
  daemon: DaemonApi,
  reference: string,
  onProgress: ProgressListener,
): Promise<{ digest: string }> {
  const ref = parseReference(reference);
  const repository = formatReference({ ...ref, tag: undefined, digest: undefined });
  const res = await daemon.raw(
    'POST',
    `/images/${encodeURIComponent(repository)}/push`,
    { tag: ref.tag },
    undefined,
    registryAuth(reference),
  );
  const messages = await followProgress(res, onProgress);
  const digest = messages.map((m) => /digest: (sha256:[0-9a-f]{64})/.exec(m.status)?.[1]).find(Boolean);
  return { digest: digest ?? '' };
}

export function listOnDaemon(daemon: DaemonApi, all: boolean): Promise<ImageSummary[]> {
  return daemon.get<ImageSummary[]>('/images/json', { all: all || undefined });
}

export function removeOnDaemon(
  daemon: DaemonApi,
  name: string,
  options: { force?: boolean; noPrune?: boolean },
): Promise<DeleteResponseItem[]> {
  return daemon.delete<DeleteResponseItem[]>(`/images/${encodeURIComponent(name)}`, {
    force: options.force || undefined,
    noprune: options.noPrune || undefined,
  });
}

/** `REPOSITORY[:TAG]` as the `repo` and `tag` query the API takes (tag, commit, import). */
export function repoAndTag(reference: string): { repo: string; tag?: string } {
  const ref = parseReference(reference, { defaultToLatest: true });
  return { repo: formatReference({ ...ref, tag: undefined, digest: undefined }), tag: ref.tag };
}

export async function tagOnDaemon(daemon: DaemonApi, source: string, target: string): Promise<void> {
  await daemon.post(`/images/${encodeURIComponent(source)}/tag`, undefined, repoAndTag(target));
}

/** GET /images/get: the images as one docker-archive tar stream. */
export async function saveOnDaemon(daemon: DaemonApi, names: string[]): Promise<Readable> {
  const res = await daemon.raw('GET', '/images/get', { names });
  if (res.status >= 400) await followJsonLines(res, () => {});
  return res.body;
}

/** GET /containers/{id}/export: the container's files as a tar stream. */
export async function exportOnDaemon(daemon: DaemonApi, container: string): Promise<Readable> {
  const res = await daemon.raw('GET', `/containers/${encodeURIComponent(container)}/export`);
  if (res.status >= 400) await followJsonLines(res, () => {});
  return res.body;
}

/** POST /images/load: the archive goes up as it is read, the daemon's messages come back. */
export function loadOnDaemon(
  daemon: DaemonApi,
  archive: Readable,
  quiet: boolean,
  onMessage: (m: StreamMessage) => void,
): Promise<void> {
  return uploadTar(daemon, '/images/load', { quiet: quiet || undefined }, archive, onMessage);
}

/** POST /images/create?fromSrc=-: a root filesystem tarball made an image (docker import). */
export function importOnDaemon(
  daemon: DaemonApi,
  tarball: Readable,
  query: Query,
  onMessage: (m: StreamMessage) => void,
): Promise<void> {
  return uploadTar(daemon, '/images/create', { ...query, fromSrc: '-' }, tarball, onMessage);
}

/** Sends a tar as a request body and follows the JSON messages that answer it. */
async function uploadTar(
  daemon: DaemonApi,
  path: string,
  query: Query,
  tar: Readable,
  onMessage: (m: StreamMessage) => void,
): Promise<void> {
  const res = await daemon.raw('POST', path, query, tar, { 'Content-Type': 'application/x-tar' });
  try {
    await followJsonLines(res, onMessage);
  } catch (err) {
    if (err instanceof StreamError) throw new DaemonError(500, err.message);
    throw err;
  }
}

/** POST /auth: the daemon checks the credentials against the registry (with its own TLS settings). */
export function loginOnDaemon(
  daemon: DaemonApi,
  domain: string,
  credentials: { username: string; password: string },
): Promise<{ Status: string; IdentityToken?: string }> {
  return daemon.post('/auth', { ...credentials, serveraddress: domain });
}
