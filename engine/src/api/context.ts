// One API request as a route sees it: path params, typed query accessors, the body, and the ways
// to answer (JSON, empty, a stream, or a hijacked connection). It hides whether the request came in
// as a plain HTTP request or as an `Upgrade: tcp` request (where Node hands us the raw socket).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { Duplex, PassThrough, Readable, Writable } from 'node:stream';
import { invalid } from '../daemon/errors';
import type { Filters } from './types';

/** Largest JSON body we parse (Docker's limit is similar); tar bodies are streamed instead. */
const maxJsonBody = 16 * 1024 * 1024;

export class Query {
  constructor(private readonly params: URLSearchParams) {}

  has(name: string): boolean {
    return this.params.has(name);
  }

  string(name: string): string | undefined {
    return this.params.get(name) ?? undefined;
  }

  all(name: string): string[] {
    return this.params.getAll(name);
  }

  /** Docker's boolValue: absent, "", "0", "no", "false" and "none" are false; anything else is true. */
  bool(name: string, fallback = false): boolean {
    const v = this.params.get(name);
    if (v === null) return fallback;
    return !['', '0', 'no', 'false', 'none'].includes(v.toLowerCase());
  }

  int(name: string): number | undefined {
    const v = this.params.get(name);
    if (v === null || v === '') return undefined;
    if (!/^-?\d+$/.test(v))
      throw invalid(`invalid value for "${name}": ${JSON.stringify(v)} is not an integer`);
    return Number(v);
  }

  /** A JSON-encoded query value (buildargs, labels, changes). */
  json<T>(name: string): T | undefined {
    const v = this.params.get(name);
    if (v === null || v === '') return undefined;
    try {
      return JSON.parse(v) as T;
    } catch {
      throw invalid(`invalid value for "${name}": not valid JSON`);
    }
  }

  /**
   * The `filters` parameter, normalised to `{key: [values]}` (accepts the old `{key: {value: true}}`
   * form too). Keys outside `allowed` are rejected as Docker does.
   */
  filters(allowed: readonly string[]): Filters {
    const raw = this.json<Record<string, unknown>>('filters');
    if (raw === undefined) return {};
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw invalid('invalid filters: expected a JSON object such as {"label":["a=b"]}');
    }
    const filters: Filters = {};
    for (const [key, value] of Object.entries(raw)) {
      if (!allowed.includes(key)) throw invalid(`invalid filter '${key}'`);
      if (Array.isArray(value)) filters[key] = value.map(String);
      else if (value && typeof value === 'object') {
        filters[key] = Object.entries(value)
          .filter(([, on]) => on)
          .map(([k]) => k);
      } else throw invalid(`invalid filter '${key}': expected a list of values`);
    }
    return filters;
  }
}

type Headers = Record<string, string | number>;

/** A response body being streamed to the client. */
export interface ResponseStream {
  write(chunk: Buffer | string): boolean;
  end(): void;
  /** True once the client has gone away; writes are then dropped. */
  readonly closed: boolean;
}

export class RouteContext {
  readonly query: Query;
  /** Aborted when the client disconnects: long-running work (follow, stats, events) stops. */
  readonly signal: AbortSignal;
  private readonly abort = new AbortController();
  private answered = false;
  private bodyTaken = false;

  constructor(
    readonly req: IncomingMessage,
    readonly params: Record<string, string>,
    search: URLSearchParams,
    /** The API version the client asked for (path prefix), or the server's own. */
    readonly version: string,
    private readonly commonHeaders: Headers,
    private readonly transport: { res: ServerResponse } | { socket: Socket; head: Buffer },
  ) {
    this.query = new Query(search);
    this.signal = this.abort.signal;
    const socket = 'res' in transport ? transport.res.socket : transport.socket;
    socket?.once('close', () => this.abort.abort());
    if ('res' in transport) transport.res.once('close', () => this.abort.abort());
  }

  get isUpgrade(): boolean {
    return 'socket' in this.transport;
  }

  get responded(): boolean {
    return this.answered;
  }

  header(name: string): string | undefined {
    const v = this.req.headers[name.toLowerCase()];
    return Array.isArray(v) ? v[0] : v;
  }

  /** The whole request body (JSON routes). */
  async body(): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of this.bodyStream()) {
      size += (chunk as Buffer).length;
      if (size > maxJsonBody) throw invalid(`request body is larger than ${maxJsonBody} bytes`);
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  /** The parsed JSON body; an empty body gives `fallback` (or 400 when there is none). */
  async json<T>(fallback?: T): Promise<T> {
    const body = await this.body();
    if (body.length === 0 || body.toString().trim() === '' || body.toString().trim() === 'null') {
      if (fallback !== undefined) return fallback;
      throw invalid('request body is empty: a JSON object was expected');
    }
    try {
      return JSON.parse(body.toString('utf8')) as T;
    } catch (err) {
      throw invalid(`request body is not valid JSON: ${(err as Error).message}`);
    }
  }

  /** The request body as a stream (tar uploads). */
  bodyStream(): Readable {
    if (this.bodyTaken) throw new Error('request body already read');
    this.bodyTaken = true;
    if ('res' in this.transport) return this.req;
    // An upgraded request: the body follows the headers on the raw socket, Content-Length long.
    const { socket, head } = this.transport;
    let remaining = Number(this.req.headers['content-length'] ?? 0);
    const out = new PassThrough();
    const take = (chunk: Buffer): void => {
      if (remaining <= 0) {
        if (chunk.length) socket.unshift(chunk);
        return;
      }
      const part = chunk.subarray(0, remaining);
      remaining -= part.length;
      out.write(part);
      const rest = chunk.subarray(part.length);
      if (remaining <= 0) {
        socket.off('data', take);
        socket.pause();
        if (rest.length) socket.unshift(rest);
        out.end();
      }
    };
    if (remaining <= 0) {
      if (head.length) socket.unshift(head);
      out.end();
      return out;
    }
    take(head);
    if (remaining > 0) socket.on('data', take);
    return out;
  }

  json200(value: unknown): void {
    this.send(200, value);
  }

  /** Answers with a JSON body. */
  send(status: number, value: unknown): void {
    const body = Buffer.from(JSON.stringify(value));
    this.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': body.length });
    this.finish(body);
  }

  text(status: number, text: string, headers: Headers = {}): void {
    const body = Buffer.from(text);
    this.writeHead(status, {
      'Content-Type': 'text/plain; charset=utf-8',
      ...headers,
      'Content-Length': body.length,
    });
    this.finish(body);
  }

  /** 204 No Content, 304 Not Modified, 201 Created without a body… */
  empty(status: number, headers: Headers = {}): void {
    this.writeHead(status, { ...headers, 'Content-Length': 0 });
    this.finish();
  }

  /** HEAD answers: headers only. */
  headersOnly(status: number, headers: Headers): void {
    this.writeHead(status, headers);
    this.finish();
  }

  /** Starts a streamed body (logs, events, progress, tar). */
  stream(contentType: string, status = 200, headers: Headers = {}): ResponseStream {
    this.writeHead(status, { ...headers, 'Content-Type': contentType });
    if ('res' in this.transport) {
      const res = this.transport.res;
      res.flushHeaders();
      return {
        write: (chunk) => (res.destroyed ? false : res.write(chunk)),
        end: () => res.end(),
        get closed() {
          return res.destroyed || res.writableEnded;
        },
      };
    }
    const socket = this.transport.socket;
    return {
      write: (chunk) => (socket.destroyed ? false : socket.write(chunk)),
      end: () => socket.end(),
      get closed() {
        return socket.destroyed || socket.writableEnded;
      },
    };
  }

  /**
   * Takes over the connection for a bidirectional raw stream (attach, exec start). An upgraded
   * request gets `101 UPGRADED`; a plain one gets 200 and its body as input.
   */
  hijack(contentType: string): Duplex {
    if ('socket' in this.transport) {
      const { socket } = this.transport;
      this.writeHead(101, { 'Content-Type': contentType, Connection: 'Upgrade', Upgrade: 'tcp' });
      if (!this.bodyTaken) {
        this.bodyTaken = true;
        if (this.transport.head.length) socket.unshift(this.transport.head);
      }
      socket.setNoDelay(true);
      socket.resume();
      return socket;
    }
    const { res } = this.transport;
    this.writeHead(200, { 'Content-Type': contentType });
    res.flushHeaders();
    const input = this.bodyTaken ? Readable.from([]) : this.bodyStream();
    const output = new Writable({
      write: (chunk, _enc, cb) => {
        if (res.destroyed) return cb();
        res.write(chunk, () => cb());
      },
      final: (cb) => {
        res.end();
        cb();
      },
    });
    return Duplex.from({ readable: input, writable: output });
  }

  private writeHead(status: number, headers: Headers): void {
    if (this.answered) throw new Error(`response already started (status ${status})`);
    this.answered = true;
    const all: Headers = { ...this.commonHeaders, ...headers };
    if ('res' in this.transport) {
      this.transport.res.writeHead(status, all);
      return;
    }
    const reason = status === 101 ? 'UPGRADED' : (STATUS_CODES[status] ?? '');
    const lines = [`HTTP/1.1 ${status} ${reason}`];
    for (const [k, v] of Object.entries(all)) lines.push(`${k}: ${v}`);
    if (status !== 101) lines.push('Connection: close');
    this.transport.socket.write(lines.join('\r\n') + '\r\n\r\n');
  }

  private finish(body?: Buffer): void {
    if ('res' in this.transport) {
      this.transport.res.end(body);
      return;
    }
    if (body) this.transport.socket.end(body);
    else this.transport.socket.end();
  }
}
