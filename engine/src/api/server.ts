// The Engine API's HTTP/1.1 server: version prefixes, the common headers, Docker-style JSON errors,
// and hijacked (`Upgrade: tcp`) connections. Routes live in routes/ and stay thin.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { chmodSync, chownSync, existsSync, lstatSync, unlinkSync } from 'node:fs';
import { asEngineError, invalid, type ErrorKind } from '../daemon/errors';
import type { Logger } from '../daemon/logger';
import { RouteContext } from './context';
import { compareVersions, Router, splitVersion } from './router';
import { apiVersion, minApiVersion } from './types';

const statusOfKind: Record<ErrorKind, number> = {
  invalid: 400,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'not-modified': 304,
  unavailable: 503,
  'not-implemented': 501,
  system: 500,
};

export interface ApiServerOptions {
  router: Router;
  logger: Logger;
  /** The `Server` header's product, e.g. `Berth/0.1.0`. */
  serverName: string;
  /**
   * Called once `idleMs` pass with no request starting or ending (after start-up and after each
   * burst); long-lived streams (events, logs -f) open meanwhile do not count as activity.
   */
  onIdle?: () => void;
  idleMs?: number;
}

export class ApiServer {
  readonly http: Server;
  private readonly sockets = new Set<Socket>();
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ApiServerOptions) {
    this.http = createServer({ keepAlive: true }, (req, res) => void this.dispatch(req, { res }));
    this.http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      void this.dispatch(req, { socket, head });
    });
    this.http.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    // Streams (logs -f, events, attach) stay open for as long as the client wants.
    this.http.requestTimeout = 0;
    this.http.headersTimeout = 60_000;
    this.armIdleTimer();
  }

  /** (Re)starts the countdown to `onIdle`: every request's start and end pushes it back. */
  private armIdleTimer(): void {
    const { onIdle, idleMs = 1000 } = this.options;
    if (!onIdle) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      try {
        onIdle();
      } catch (err) {
        this.options.logger.warn('idle task failed', { error: (err as Error).message });
      }
    }, idleMs).unref();
  }

  /**
   * Listens on a Unix socket: replaced if stale, mode 0660, owned by `gid` when given, so only root
   * (and that group) can talk to the daemon.
   */
  async listenUnix(path: string, gid?: number): Promise<void> {
    if (existsSync(path) && lstatSync(path).isSocket()) unlinkSync(path);
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(path, () => {
        this.http.off('error', reject);
        resolve();
      });
    });
    chmodSync(path, 0o660);
    if (gid !== undefined) chownSync(path, process.getuid?.() ?? 0, gid);
  }

  /** Stops accepting connections and closes the ones open (streams end, clients see EOF). */
  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private async dispatch(
    req: IncomingMessage,
    transport: { res: ServerResponse } | { socket: Socket; head: Buffer },
  ): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://berth');
    const { version, path } = splitVersion(url.pathname);
    const common = {
      'Api-Version': apiVersion,
      'Docker-Experimental': 'false',
      Ostype: 'linux',
      Server: `${this.options.serverName} (linux)`,
    };
    const ctx = new RouteContext(req, {}, url.searchParams, version ?? apiVersion, common, transport);
    const started = process.hrtime.bigint();
    this.armIdleTimer();
    try {
      if (version !== undefined) checkVersion(version);
      const match = this.options.router.match(req.method ?? 'GET', path);
      if (match === undefined) {
        ctx.send(404, { message: `page not found: ${req.method} ${path} is not an Engine API route` });
        return;
      }
      if (match === 'method') {
        ctx.send(405, { message: `method ${req.method} is not allowed on ${path}` });
        return;
      }
      Object.assign(ctx.params, match.params);
      await match.handler(ctx);
    } catch (err) {
      this.answerError(ctx, err, req);
    } finally {
      this.armIdleTimer();
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      this.options.logger.debug('api request', { method: req.method, path, ms: Math.round(ms * 10) / 10 });
    }
  }

  private answerError(ctx: RouteContext, err: unknown, req: IncomingMessage): void {
    const error = asEngineError(err);
    const status = statusOfKind[error.kind];
    if (status >= 500) {
      this.options.logger.error('api request failed', {
        method: req.method,
        url: req.url,
        error: error.message,
        stack: (error.cause as Error | undefined)?.stack ?? error.stack,
      });
    }
    if (ctx.responded) return; // a stream had started: its own error framing has said it
    if (status === 304) ctx.empty(304);
    else ctx.send(status, { message: error.message });
  }
}

function checkVersion(version: string): void {
  if (compareVersions(version, apiVersion) > 0) {
    throw invalid(`client version ${version} is too new. Maximum supported API version is ${apiVersion}`);
  }
  if (compareVersions(version, minApiVersion) < 0) {
    throw invalid(
      `client version ${version} is too old. Minimum supported API version is ${minApiVersion}, please upgrade your client to a newer version`,
    );
  }
}
