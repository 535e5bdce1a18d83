// The image verbs' calls when a daemon answers: the same results the in-process backend gives, over
// the Engine API, so each verb renders one shape whichever engine did the work.
import { Readable } from 'node:stream';
import { formatReference, parseReference } from '../../oci/reference';
import { lookupCredentials } from '../../registry/credentials';
import type { ProgressListener, ProgressMessage } from '../../registry/progress';
import type { DeleteResponseItem, ImageSummary } from '../../store/views';
import { DaemonError, type DaemonApi } from './client';

/** docker's X-Registry-Auth: the credentials for the reference's registry, base64url JSON. */
function registryAuth(reference: string): Record<string, string> {
  const domain = parseReference(reference).domain;
  const credentials = lookupCredentials(domain);
  const auth = credentials
    ? credentials.identityToken
      ? { identitytoken: credentials.identityToken, serveraddress: domain }
      : { username: credentials.username, password: credentials.password, serveraddress: domain }
    : {};
  return { 'X-Registry-Auth': Buffer.from(JSON.stringify(auth)).toString('base64url') };
}

/** Reads a JSON progress stream, handing each message on; an `error` message rejects. */
async function followProgress(
  res: { status: number; body: Readable },
  onProgress: ProgressListener,
): Promise<ProgressMessage[]> {
  const messages: ProgressMessage[] = [];
  let pending = '';
  for await (const chunk of res.body) {
    pending += String(chunk);
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      if (!line) continue;
      const m = JSON.parse(line) as ProgressMessage & { error?: string; message?: string };
      if (res.status >= 400) throw new DaemonError(res.status, m.message ?? line);
      if (m.error) throw new DaemonError(500, m.error);
      messages.push(m);
      onProgress(m);
    }
  }
  if (res.status >= 400) throw new DaemonError(res.status, pending.trim() || `status ${res.status}`);
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

export async function tagOnDaemon(daemon: DaemonApi, source: string, target: string): Promise<void> {
  const ref = parseReference(target, { defaultToLatest: true });
  await daemon.post(`/images/${encodeURIComponent(source)}/tag`, undefined, {
    repo: formatReference({ ...ref, tag: undefined, digest: undefined }),
    tag: ref.tag,
  });
}
