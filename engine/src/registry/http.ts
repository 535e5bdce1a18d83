// A small HTTP client over node:http/https for the registry: keep-alive connections, redirects
// (Authorization dropped when the redirect leaves the origin, as browsers and docker do), streamed
// bodies as Node streams. Used instead of fetch(): loading undici costs ~30 ms per CLI start and
// its web streams are slower on large blobs.
import * as http from 'node:http';
import type * as Https from 'node:https';
import { Readable } from 'node:stream';

export interface HttpRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array | Readable;
  timeoutMs?: number;
  /**
   * host:port of an insecure registry served over https: its certificate is not verified (as
   * Docker does for insecure registries). Any other host, a redirect target too, is verified.
   */
  insecureTlsHost?: string;
}

export interface HttpResponse {
  status: number;
  statusText: string;
  ok: boolean;
  url: string;
  headers: { get(name: string): string | null };
  /** The body as a stream (read it, or call discard()). */
  body: Readable;
  json(): Promise<unknown>;
  arrayBuffer(): Promise<Buffer>;
  discard(): Promise<void>;
}

export type HttpClient = (url: string, request?: HttpRequest) => Promise<HttpResponse>;

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });

/**
 * node:https (and tls under it) loaded on the first https request only: a pull from a plain http
 * registry (a local one, see schemes.ts) never pays for loading them.
 */
let tlsParts: { https: typeof Https; verified: Https.Agent; unverified: Https.Agent } | undefined;
function tls(): NonNullable<typeof tlsParts> {
  if (tlsParts) return tlsParts;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const https = require('node:https') as typeof Https;
  tlsParts = {
    https,
    verified: new https.Agent({ keepAlive: true, maxSockets: 16 }),
    // For insecure registries. `ca: []`: nothing is verified, so Node need not build its root
    // certificate store, which costs 50-100 ms of CPU on first use (a CLI pays it on every start).
    unverified: new https.Agent({ keepAlive: true, maxSockets: 16, rejectUnauthorized: false, ca: [] }),
  };
  return tlsParts;
}

const maxRedirects = 10;

export const httpRequest: HttpClient = async (url, request = {}) => {
  let current = new URL(url);
  let headers = { ...request.headers };
  const method = request.method ?? 'GET';
  for (let hop = 0; ; hop++) {
    const res = await send(current, method, headers, request);
    const location = res.headers.get('location');
    if (
      res.status >= 300 &&
      res.status < 400 &&
      res.status !== 304 &&
      location &&
      (method === 'GET' || method === 'HEAD')
    ) {
      await res.discard();
      if (hop >= maxRedirects) throw new Error(`too many redirects from ${url}`);
      const next = new URL(location, current);
      if (next.origin !== current.origin) {
        headers = Object.fromEntries(
          Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'),
        );
      }
      current = next;
      continue;
    }
    return res;
  }
};

function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  request: HttpRequest,
): Promise<HttpResponse> {
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return Promise.reject(new Error(`unsupported URL scheme in ${url.href}`));
  const secure = url.protocol === 'https:' ? tls() : undefined;
  const transport = secure ? secure.https : http;
  const agent = !secure
    ? httpAgent
    : url.host === request.insecureTlsHost
      ? secure.unverified
      : secure.verified;
  return new Promise((resolve, reject) => {
    const req = transport.request(url, { method, headers, agent }, (res) => {
      req.setTimeout(0);
      resolve(wrap(url.href, res));
    });
    req.on('error', reject);
    if (request.timeoutMs) {
      req.setTimeout(request.timeoutMs, () =>
        req.destroy(
          Object.assign(new Error(`no answer from ${url.host} within ${request.timeoutMs} ms`), {
            code: 'ETIMEDOUT',
          }),
        ),
      );
    }
    const body = request.body;
    if (body === undefined) req.end();
    else if (typeof body === 'string' || body instanceof Uint8Array) req.end(body);
    else {
      body.on('error', (err) => req.destroy(err));
      body.pipe(req);
    }
  });
}

function wrap(url: string, res: http.IncomingMessage): HttpResponse {
  const status = res.statusCode ?? 0;
  const collect = async (): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  };
  return {
    status,
    statusText: res.statusMessage ?? '',
    ok: status >= 200 && status < 300,
    url,
    headers: {
      get(name) {
        const v = res.headers[name.toLowerCase()];
        return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
      },
    },
    body: res,
    json: async () => JSON.parse((await collect()).toString('utf8')),
    arrayBuffer: collect,
    async discard() {
      // Even a complete body must be read to its end, or the connection never returns to the pool.
      res.resume();
      if (res.readableEnded || res.destroyed) return;
      await new Promise<void>((resolve) => {
        res.once('end', resolve);
        res.once('close', resolve);
      });
    },
  };
}
