// TEMPORARY (branch cli2 only, replaced by the shared API client when it lands): JSON calls to
// berthd's Engine API over $DOCKER_HOST's Unix socket.
import { request } from 'node:http';
import { Readable } from 'node:stream';
import type { CliContext } from './command';

type Query = Record<string, string | undefined>;

export interface DaemonApi {
  get<T = unknown>(path: string, query?: Query): Promise<T>;
  post<T = unknown>(path: string, body?: unknown, query?: Query): Promise<T>;
  delete(path: string, query?: Query): Promise<void>;
  /** A raw request: status, headers and the body stream. */
  raw(
    method: string,
    path: string,
    query?: Query,
    body?: Readable,
    headers?: Record<string, string>,
  ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Readable }>;
}

export function daemonApi(_ctx: CliContext): DaemonApi {
  const host = process.env.DOCKER_HOST ?? 'unix:///run/berth/berth.sock';
  const socketPath = host.replace(/^unix:\/\//, '');
  const raw: DaemonApi['raw'] = (method, path, query = {}, body, headers = {}) =>
    new Promise((resolve, reject) => {
      const qs = Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined);
      const url = `/v1.45${path}${qs.length ? `?${new URLSearchParams(qs)}` : ''}`;
      const req = request({ socketPath, method, path: url, headers }, (res) =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res }),
      );
      req.on('error', reject);
      if (body) body.pipe(req);
      else req.end();
    });
  const json = async (method: string, path: string, query?: Query, payload?: unknown) => {
    const text = payload === undefined ? undefined : JSON.stringify(payload);
    const res = await raw(
      method,
      path,
      query,
      text === undefined ? undefined : Readable.from([text]),
      text === undefined ? {} : { 'Content-Type': 'application/json' },
    );
    const chunks: Buffer[] = [];
    for await (const c of res.body) chunks.push(c as Buffer);
    const out = Buffer.concat(chunks).toString();
    if (res.status >= 400) {
      const message = (() => {
        try {
          return (JSON.parse(out) as { message: string }).message;
        } catch {
          return out.trim();
        }
      })();
      throw new Error(`Error response from daemon: ${message}`);
    }
    return out ? (JSON.parse(out) as unknown) : undefined;
  };
  return {
    get: (path, query) => json('GET', path, query) as never,
    post: (path, body, query) => json('POST', path, query, body) as never,
    delete: async (path, query) => {
      await json('DELETE', path, query);
    },
    raw,
  };
}
