// The CLI's client of an Engine API daemon (berthd, or any Docker-compatible one) over a Unix
// socket: JSON calls, raw streams, and hijacked connections for attach and exec. node:http is
// enough for all of it; dockerode (the extension's client) would cost the CLI ~60 ms of start-up
// loading ssh2 and friends for nothing it needs here.
import { request, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';

/** The newest API version this client speaks; lowered to the daemon's at the first ping. */
const clientApiVersion = '1.45';

/** Query parameters; a list repeats its name (`t=a&t=b`), as the Engine API reads lists. */
export type Query = Record<string, string | number | boolean | string[] | undefined>;

/** A daemon's error answer, with Docker's message. */
export class DaemonError extends Error {
  override readonly name = 'DaemonError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(`Error response from daemon: ${message}`);
  }
}

export interface DaemonApi {
  readonly socketPath: string;
  get<T = unknown>(path: string, query?: Query): Promise<T>;
  post<T = unknown>(path: string, body?: unknown, query?: Query): Promise<T>;
  delete<T = unknown>(path: string, query?: Query): Promise<T>;
  /** A raw request: status, headers and the body stream (errors are not thrown: check status). */
  raw(
    method: string,
    path: string,
    query?: Query,
    body?: Readable,
    headers?: Record<string, string>,
  ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Readable }>;
  /** Upgrades the connection (attach, exec start): the socket carries the stream both ways. */
  hijack(path: string, query?: Query, body?: unknown): Promise<Socket>;
}

export class UnixDaemonClient implements DaemonApi {
  private version = clientApiVersion;

  constructor(readonly socketPath: string) {}

  /** GET /_ping: settles the API version both sides speak. Rejects when nothing answers. */
  async ping(timeoutMs = 2000): Promise<void> {
    const res = await this.send('GET', '/_ping', undefined, {}, timeoutMs);
    res.resume();
    const advertised = res.headers['api-version'];
    if (typeof advertised === 'string' && compareVersions(advertised, this.version) < 0)
      this.version = advertised;
  }

  async get<T>(path: string, query?: Query): Promise<T> {
    return (await this.json('GET', path, query)) as T;
  }

  async post<T>(path: string, body?: unknown, query?: Query): Promise<T> {
    return (await this.json('POST', path, query, body)) as T;
  }

  async delete<T>(path: string, query?: Query): Promise<T> {
    return (await this.json('DELETE', path, query)) as T;
  }

  async raw(
    method: string,
    path: string,
    query?: Query,
    body?: Readable,
    headers: Record<string, string> = {},
  ) {
    const res = await this.send(method, this.versioned(path, query), body, headers);
    return { status: res.statusCode ?? 0, headers: res.headers, body: res as Readable };
  }

  hijack(path: string, query?: Query, body?: unknown): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request({
        socketPath: this.socketPath,
        method: 'POST',
        path: this.versioned(path, query),
        headers: {
          Connection: 'Upgrade',
          Upgrade: 'tcp',
          ...(payload !== undefined && { 'Content-Type': 'application/json' }),
        },
      });
      req.on('upgrade', (_res, socket: Socket, head: Buffer) => {
        if (head.length) socket.unshift(head);
        resolve(socket);
      });
      // A daemon that answers without upgrading is refusing: its body says why.
      req.on('response', (res) => {
        readAll(res).then(
          (text) => reject(new DaemonError(res.statusCode ?? 500, errorMessage(text))),
          reject,
        );
      });
      req.on('error', (err) => reject(this.connectionError(err)));
      req.end(payload);
    });
  }

  private async json(method: string, path: string, query?: Query, body?: unknown): Promise<unknown> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const res = await this.send(
      method,
      this.versioned(path, query),
      payload === undefined ? undefined : Readable.from([payload]),
      payload === undefined ? {} : { 'Content-Type': 'application/json' },
    );
    const text = await readAll(res);
    if ((res.statusCode ?? 500) >= 400) throw new DaemonError(res.statusCode ?? 500, errorMessage(text));
    return text.trim() ? (JSON.parse(text) as unknown) : undefined;
  }

  private versioned(path: string, query: Query = {}): string {
    const pairs = Object.entries(query).flatMap(([k, v]): [string, string][] =>
      v === undefined ? [] : Array.isArray(v) ? v.map((item) => [k, item]) : [[k, String(v)]],
    );
    return `/v${this.version}${path}${pairs.length ? `?${new URLSearchParams(pairs)}` : ''}`;
  }

  private send(
    method: string,
    path: string,
    body: Readable | undefined,
    headers: Record<string, string>,
    timeoutMs?: number,
  ): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = request({ socketPath: this.socketPath, method, path, headers }, resolve);
      if (timeoutMs) req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
      req.on('error', (err) => reject(this.connectionError(err)));
      if (body) body.pipe(req);
      else req.end();
    });
  }

  private connectionError(err: NodeJS.ErrnoException): Error {
    const where = `unix://${this.socketPath}`;
    if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED')
      return new Error(
        `Cannot connect to the engine at ${where}: is berthd running? Start it with \`berthd &\``,
      );
    if (err.code === 'EACCES')
      return new Error(
        `permission denied while connecting to the engine at ${where}: run as root, or ask for the socket's group`,
      );
    return new Error(`lost the connection to the engine at ${where}: ${err.message}`);
  }
}

function readAll(stream: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
  });
}

/** The message of a daemon's JSON error body (or the body itself). */
export function errorMessage(text: string): string {
  try {
    return (JSON.parse(text) as { message?: string }).message ?? text.trim();
  } catch {
    return text.trim();
  }
}

function compareVersions(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am !== bm ? am - bm : an - bn;
}
