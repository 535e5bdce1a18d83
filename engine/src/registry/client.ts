// A distribution (registry v2) API client for one registry: ping, manifests, blobs, uploads, with
// authentication (anonymous, Basic, Bearer tokens per scope) handled on the way. Plain http, and
// https without certificate verification, are used only for insecure registries (see insecure.ts).
import type { Readable } from 'node:stream';
import { type Digest, sha256 } from '../oci/digest';
import { manifestAccept } from '../oci/media-types';
import { registryHost } from '../oci/reference';
import { AuthError, AuthSession } from './auth';
import { type HttpClient, type HttpRequest, httpRequest, type HttpResponse } from './http';
import { isInsecureRegistry } from './insecure';
import { isTlsPortAnswer, type SchemeMemory, schemeOrder } from './schemes';
import type { Credentials } from './credentials';

export interface RegistryOptions {
  /** Registries (host[:port] or CIDR ranges) reached over plain http when https fails; local ones always are. */
  insecureRegistries?: readonly string[];
  /** Credentials for a registry domain; default: none (anonymous). */
  credentials?: (domain: string) => Credentials | undefined;
  userAgent?: string;
  /** Which scheme each insecure registry answered on last time, tried first (see schemes.ts). */
  schemeMemory?: SchemeMemory;
  /** Overridable for tests. */
  http?: HttpClient;
}

export class RegistryError extends Error {
  override name = 'RegistryError';
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** Largest manifest we accept (distribution's own limit is 4 MiB). */
const maxManifestSize = 4 << 20;

export class RegistryClient {
  private base: string | undefined;
  private pinging: Promise<void> | undefined;
  private readonly auth: AuthSession;
  private readonly http: HttpClient;
  /** Set once the ping found this registry insecure: its https certificate is then not verified. */
  private insecureTlsHost: string | undefined;

  constructor(
    readonly domain: string,
    private readonly options: RegistryOptions = {},
  ) {
    const http = options.http ?? httpRequest;
    this.http = (url, init = {}) =>
      http(url, this.insecureTlsHost ? { ...init, insecureTlsHost: this.insecureTlsHost } : init);
    this.auth = new AuthSession(
      () => options.credentials?.(domain),
      (url, init) => this.http(url, { ...init, headers: { ...this.commonHeaders(), ...init.headers } }),
      domain,
    );
  }

  private commonHeaders(): Record<string, string> {
    return { 'user-agent': this.options.userAgent ?? 'berth' };
  }

  /** GET /v2/: finds the scheme and records the auth challenge. Throws when unreachable. */
  ping(): Promise<void> {
    this.pinging ??= this.doPing().catch((err) => {
      this.pinging = undefined;
      throw err;
    });
    return this.pinging;
  }

  private async doPing(): Promise<void> {
    const host = registryHost(this.domain);
    const insecure = await isInsecureRegistry(this.domain, this.options.insecureRegistries);
    // Docker's rules for an insecure registry: https first, without verifying its certificate,
    // then plain http; unless plain http is what it answered on last time.
    if (insecure) this.insecureTlsHost = new URL(`https://${host}/`).host;
    const memory = insecure ? this.options.schemeMemory : undefined;
    const schemes = schemeOrder(insecure, memory?.get(host));
    let lastError: unknown;
    for (const [i, scheme] of schemes.entries()) {
      const base = `${scheme}://${host}`;
      let res: HttpResponse;
      try {
        res = await this.http(`${base}/v2/`, { headers: this.commonHeaders(), timeoutMs: 30_000 });
      } catch (err) {
        lastError = err;
        continue;
      }
      await res.discard();
      if (isTlsPortAnswer(scheme, res.status) && i < schemes.length - 1) {
        lastError = new Error(`${host} answered plain http with ${res.status}: it serves https`);
        continue;
      }
      if (res.status === 401) this.auth.setChallenge(res.headers.get('www-authenticate'));
      else if (!res.ok && res.status !== 404) {
        throw new RegistryError(
          `${this.domain} answered ${res.status} ${res.statusText} to /v2/; is it a registry?`,
          res.status,
        );
      }
      this.base = base;
      memory?.set(host, scheme);
      return;
    }
    const cause = lastError as { code?: string; message?: string } | undefined;
    const insecureHint =
      schemes.length === 1 ? ` If it serves plain http, add it with --insecure-registry ${this.domain}.` : '';
    throw new RegistryError(
      `cannot reach registry ${this.domain}: ${cause?.code ?? cause?.message ?? (lastError as Error)?.message ?? 'unknown error'}.${insecureHint}`,
      0,
    );
  }

  /** Checks credentials: pings and asks for a token (or sends Basic auth) for the registry itself. */
  async login(): Promise<void> {
    await this.ping();
    const res = await this.request('GET', '/v2/', { scopes: [] });
    await res.discard();
    if (res.status === 401)
      throw new AuthError(`login to ${this.domain} failed: the registry refused the credentials`);
    if (!res.ok && res.status !== 404) throw await this.errorFrom(res, 'login');
  }

  private url(path: string): string {
    if (/^https?:\/\//.test(path)) return path;
    return `${this.base}${path}`;
  }

  /** Sends a request with authorization for `scopes`, retrying once after a (new) 401 challenge. */
  async request(
    method: string,
    path: string,
    init: { scopes: string[]; headers?: Record<string, string>; body?: HttpRequest['body'] },
  ): Promise<HttpResponse> {
    await this.ping();
    for (let attempt = 0; ; attempt++) {
      const authorization = await this.auth.authorize(init.scopes);
      const headers = { ...this.commonHeaders(), ...init.headers, ...(authorization && { authorization }) };
      const res = await this.http(this.url(path), { method, headers, body: init.body });
      const replayable =
        init.body === undefined || typeof init.body === 'string' || init.body instanceof Uint8Array;
      if (res.status === 401 && attempt === 0 && replayable) {
        await res.discard();
        if (!this.auth.setChallenge(res.headers.get('www-authenticate'))) return res;
        this.auth.invalidate(init.scopes);
        continue;
      }
      return res;
    }
  }

  async errorFrom(res: HttpResponse, what: string): Promise<RegistryError> {
    let detail = '';
    let code: string | undefined;
    try {
      const body = (await res.json()) as { errors?: { code?: string; message?: string; detail?: unknown }[] };
      const first = body.errors?.[0];
      if (first) {
        code = first.code;
        detail = `${first.code ?? ''}: ${first.message ?? ''}`.replace(/^: /, '');
      }
    } catch {
      // not a JSON error body
    }
    const auth = res.status === 401 || res.status === 403;
    const hint = auth ? `; run \`berth login ${this.domain}\` if the repository needs credentials` : '';
    return new RegistryError(
      `${what}: ${this.domain} answered ${res.status} ${res.statusText}${detail ? ` (${detail})` : ''}${hint}`,
      res.status,
      code,
    );
  }

  // ---- manifests --------------------------------------------------------------------------------

  async getManifest(
    repo: string,
    reference: string,
  ): Promise<{ bytes: Buffer; mediaType: string; digest: Digest }> {
    const res = await this.request('GET', `/v2/${repo}/manifests/${reference}`, {
      scopes: [pullScope(repo)],
      headers: { accept: manifestAccept },
    });
    if (!res.ok) throw await this.errorFrom(res, `manifest ${this.domain}/${repo}:${reference}`);
    const length = Number(res.headers.get('content-length') ?? 0);
    if (length > maxManifestSize) {
      await res.discard();
      throw new RegistryError(
        `manifest ${repo}:${reference} is ${length} bytes, over the ${maxManifestSize}-byte limit`,
        0,
      );
    }
    const bytes = Buffer.from(await res.arrayBuffer());
    if (bytes.length > maxManifestSize)
      throw new RegistryError(`manifest ${repo}:${reference} is over the ${maxManifestSize}-byte limit`, 0);
    return { bytes, mediaType: res.headers.get('content-type') ?? '', digest: sha256(bytes) };
  }

  async putManifest(
    repo: string,
    reference: string,
    bytes: Buffer,
    mediaType: string,
  ): Promise<Digest | undefined> {
    const res = await this.request('PUT', `/v2/${repo}/manifests/${reference}`, {
      scopes: [pushScope(repo)],
      headers: { 'content-type': mediaType },
      body: bytes,
    });
    if (!res.ok) throw await this.errorFrom(res, `pushing manifest ${repo}:${reference}`);
    await res.discard();
    return (res.headers.get('docker-content-digest') as Digest | null) ?? undefined;
  }

  // ---- blobs ------------------------------------------------------------------------------------

  /** GET a blob, from `offset` on (a 206 answer) when resuming; the caller reads and verifies the body. */
  async getBlob(repo: string, digest: Digest, offset = 0): Promise<HttpResponse> {
    const res = await this.request('GET', `/v2/${repo}/blobs/${digest}`, {
      scopes: [pullScope(repo)],
      headers: offset > 0 ? { range: `bytes=${offset}-` } : {},
    });
    if (!res.ok) throw await this.errorFrom(res, `blob ${digest}`);
    return res;
  }

  /** The blob's size when the repository has it, else undefined. */
  async blobExists(repo: string, digest: Digest, scopes = [pushScope(repo)]): Promise<number | undefined> {
    const res = await this.request('HEAD', `/v2/${repo}/blobs/${digest}`, { scopes });
    await res.discard();
    if (res.status === 404) return undefined;
    if (!res.ok) throw await this.errorFrom(res, `checking blob ${digest}`);
    return Number(res.headers.get('content-length') ?? 0);
  }

  /**
   * Starts an upload; with `mountFrom`, asks the registry to mount the blob from another repository
   * instead (answers 'mounted' when it did).
   */
  async startUpload(
    repo: string,
    mount?: { digest: Digest; from: string },
  ): Promise<{ mounted: true } | { mounted: false; location: string }> {
    const query = mount
      ? `?mount=${encodeURIComponent(mount.digest)}&from=${encodeURIComponent(mount.from)}`
      : '';
    const scopes = mount ? [pushScope(repo), pullScope(mount.from)] : [pushScope(repo)];
    const res = await this.request('POST', `/v2/${repo}/blobs/uploads/${query}`, {
      scopes,
      headers: { 'content-length': '0' },
    });
    await res.discard();
    if (res.status === 201 && mount) return { mounted: true };
    if (res.status !== 202) throw await this.errorFrom(res, `starting an upload to ${repo}`);
    return { mounted: false, location: this.location(res) };
  }

  /** PATCH one chunk at `start`; returns the location for the next request. */
  async uploadChunk(repo: string, location: string, chunk: Buffer, start: number): Promise<string> {
    const res = await this.request('PATCH', location, {
      scopes: [pushScope(repo)],
      headers: {
        'content-type': 'application/octet-stream',
        'content-range': `${start}-${start + chunk.length - 1}`,
        'content-length': String(chunk.length),
      },
      body: chunk,
    });
    await res.discard();
    if (res.status !== 202) throw await this.errorFrom(res, `uploading to ${repo}`);
    return this.location(res);
  }

  /** PATCH a whole blob as one streamed request (what docker push does). */
  async uploadStream(repo: string, location: string, body: Readable, size: number): Promise<string> {
    const res = await this.request('PATCH', location, {
      scopes: [pushScope(repo)],
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
      body,
    });
    await res.discard();
    if (res.status !== 202) throw await this.errorFrom(res, `uploading to ${repo}`);
    return this.location(res);
  }

  /** PUT ?digest= to finish an upload, optionally carrying the (last part of the) data. */
  async completeUpload(repo: string, location: string, digest: Digest, body?: Buffer): Promise<void> {
    const url = new URL(this.url(location));
    url.searchParams.set('digest', digest);
    const res = await this.request('PUT', url.toString(), {
      scopes: [pushScope(repo)],
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(body?.length ?? 0) },
      body: body ?? Buffer.alloc(0),
    });
    await res.discard();
    if (res.status !== 201) throw await this.errorFrom(res, `completing the upload of ${digest} to ${repo}`);
  }

  private location(res: HttpResponse): string {
    const location = res.headers.get('location');
    if (!location)
      throw new RegistryError(`${this.domain} started an upload without a Location header`, res.status);
    return new URL(location, `${this.base}/`).toString();
  }
}

export function pullScope(repo: string): string {
  return `repository:${repo}:pull`;
}

export function pushScope(repo: string): string {
  return `repository:${repo}:pull,push`;
}
