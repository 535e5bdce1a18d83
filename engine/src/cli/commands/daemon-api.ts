// The calls the volume, network, cp and prune verbs make to berthd's Engine API, over the Unix
// socket $DOCKER_HOST names (default: berthd's, /run/berth/berth.sock as root). A deliberately small transport: the
// shared API client of issue 6 (daemon selection with -H, version negotiation) replaces it.
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { defaultConfig } from '../../daemon/config';
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
  const host = process.env.DOCKER_HOST ?? `unix://${defaultConfig().socket}`;
  const socketPath = host.replace(/^unix:\/\//, '');
  const raw: DaemonApi['raw'] = (method, path, query = {}, body, headers = {}) =>
    new Promise((resolve, reject) => {
      const qs = Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined);
      const url = `/v1.45${path}${qs.length ? `?${new URLSearchParams(qs)}` : ''}`;
      const req = request({ socketPath, method, path: url, headers }, (res) =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res }),
      );
      req.on('error', (err: NodeJS.ErrnoException) =>
        reject(
          err.code === 'ENOENT' || err.code === 'ECONNREFUSED' || err.code === 'EACCES'
            ? new Error(
                `Cannot connect to berthd at ${host} (${err.code}). Is berthd running? Start it with bin/berthd, or point DOCKER_HOST at its socket.`,
              )
            : err,
        ),
      );
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
