import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineBackend, OutputChunk, StdioSession } from '../../../engine/src/api/backend';
import { FrameDecoder } from '../../../engine/src/api/framing';
import { engineRouter } from '../../../engine/src/api/routes';
import { ApiServer } from '../../../engine/src/api/server';
import { conflict, notFound, notModified } from '../../../engine/src/daemon/errors';
import { silentLogger } from '../../../engine/src/daemon/logger';
import { fakeBackend } from './fake-backend';
import { hijack, rawRequest } from './client';

/** A stdio session the test drives by hand. */
function manualSession(tty: boolean): StdioSession & {
  emit(chunk: OutputChunk): void;
  finish(): void;
  stdin: Buffer[];
  stdinClosed: boolean;
} {
  const listeners: ((c: OutputChunk) => void)[] = [];
  let finish!: () => void;
  const ended = new Promise<void>((r) => (finish = r));
  const session = {
    tty,
    stdinOpen: true,
    stdin: [] as Buffer[],
    stdinClosed: false,
    onOutput: (l: (c: OutputChunk) => void) => void listeners.push(l),
    ended,
    writeStdin: (d: Buffer) => void session.stdin.push(Buffer.from(d)),
    closeStdin: () => void (session.stdinClosed = true),
    detach: () => finish(),
    emit: (c: OutputChunk) => listeners.forEach((l) => l(c)),
    finish: () => finish(),
  };
  return session;
}

describe('api server', () => {
  let dir: string;
  let socketPath: string;
  let server: ApiServer | undefined;

  async function serve(backend: EngineBackend): Promise<void> {
    server = new ApiServer({ router: engineRouter(backend), logger: silentLogger, serverName: 'Berth/test' });
    await server.listenUnix(socketPath);
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'berth-api-'));
    socketPath = join(dir, 'berth.sock');
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs onIdle once idleMs pass without a request starting or ending, again after the next request', async () => {
    let idle = 0;
    let wake: (() => void) | undefined;
    const nextIdle = () => new Promise<void>((resolve) => (wake = resolve));
    server = new ApiServer({
      router: engineRouter(fakeBackend({})),
      logger: silentLogger,
      serverName: 'Berth/test',
      idleMs: 200,
      onIdle: () => {
        idle++;
        wake?.();
      },
    });
    const first = nextIdle();
    await server.listenUnix(socketPath);
    await first;
    assert.equal(idle, 1, 'once after start-up');
    const second = nextIdle();
    const sent = Date.now();
    const answered = await rawRequest(socketPath, 'GET', '/_ping');
    assert.equal(answered.status, 200);
    await second;
    assert.equal(idle, 2, 'once more after the request');
    // The countdown restarts when the request ends, which is after it was sent (a loaded machine
    // may take a while to deliver the answer, so the client's clock only bounds it from below).
    assert.ok(Date.now() - sent >= 195, 'not before idleMs after the request');
  });

  it('answers HEAD and GET /_ping with the negotiation headers', async () => {
    await serve(fakeBackend({}));
    const head = await rawRequest(socketPath, 'HEAD', '/_ping');
    assert.equal(head.status, 200);
    assert.equal(head.headers['api-version'], '1.45');
    assert.equal(head.headers['builder-version'], '1');
    assert.equal(head.headers['ostype'], 'linux');
    const get = await rawRequest(socketPath, 'GET', '/v1.41/_ping');
    assert.equal(get.body.toString(), 'OK');
    assert.equal(get.headers['api-version'], '1.45');
  });

  it('makes the socket 0660', async () => {
    await serve(fakeBackend({}));
    assert.equal(statSync(socketPath).mode & 0o777, 0o660);
  });

  it('serves routes bare and under /v1.xx/, and refuses versions it does not speak', async () => {
    await serve(
      fakeBackend({ system: { version: async () => ({ Version: '0.1.0', ApiVersion: '1.45' }) as never } }),
    );
    assert.equal(
      JSON.parse((await rawRequest(socketPath, 'GET', '/version')).body.toString()).Version,
      '0.1.0',
    );
    assert.equal((await rawRequest(socketPath, 'GET', '/v1.41/version')).status, 200);
    const tooNew = await rawRequest(socketPath, 'GET', '/v1.99/version');
    assert.equal(tooNew.status, 400);
    assert.match(
      JSON.parse(tooNew.body.toString()).message,
      /too new\. Maximum supported API version is 1\.45/,
    );
    const tooOld = await rawRequest(socketPath, 'GET', '/v1.12/version');
    assert.equal(tooOld.status, 400);
  });

  it('maps engine errors to Docker status codes with a JSON message', async () => {
    await serve(
      fakeBackend({
        containers: {
          start: async (id: string) => {
            if (id === 'missing') throw notFound('No such container: missing');
            if (id === 'up') throw notModified();
          },
          remove: async () => {
            throw conflict(
              'cannot remove container "/web": container is running: stop the container before removing or force remove',
            );
          },
        },
      }),
    );
    const missing = await rawRequest(socketPath, 'POST', '/v1.45/containers/missing/start');
    assert.equal(missing.status, 404);
    assert.equal(missing.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(missing.body.toString()), { message: 'No such container: missing' });
    assert.equal((await rawRequest(socketPath, 'POST', '/containers/up/start')).status, 304);
    assert.equal((await rawRequest(socketPath, 'POST', '/containers/ok/start')).status, 204);
    const running = await rawRequest(socketPath, 'DELETE', '/containers/web');
    assert.equal(running.status, 409);
    assert.match(JSON.parse(running.body.toString()).message, /container is running/);
  });

  it('answers unknown routes with 404 and wrong methods with 405, both as JSON', async () => {
    await serve(fakeBackend({}));
    const unknown = await rawRequest(socketPath, 'GET', '/nope');
    assert.equal(unknown.status, 404);
    assert.match(JSON.parse(unknown.body.toString()).message, /page not found/);
    assert.equal((await rawRequest(socketPath, 'PUT', '/containers/json')).status, 405);
  });

  it('rejects bad create bodies with a 400 naming the field', async () => {
    let created = 0;
    await serve(fakeBackend({ containers: { create: async () => (created++, { Id: 'x', Warnings: [] }) } }));
    const cases: [string, RegExp][] = [
      ['{not json', /not valid JSON/],
      ['[1]', /must be a JSON object/],
      ['{}', /Image is required/],
      ['{"Image":"busybox","HostConfig":{"Memory":"1g"}}', /HostConfig\.Memory must be a number, got "1g"/],
      ['{"Image":"busybox","Env":["A=1",2]}', /Env\[1\] must be a string/],
      ['{"Image":"busybox","Env":["=x"]}', /invalid environment variable/],
      ['{"Image":"busybox","Labels":{"a":1}}', /Labels\.a must be a string/],
    ];
    for (const [body, message] of cases) {
      const res = await rawRequest(socketPath, 'POST', '/containers/create', {
        body,
        headers: { 'Content-Type': 'application/json' },
      });
      assert.equal(res.status, 400, body);
      assert.match(JSON.parse(res.body.toString()).message, message);
    }
    assert.equal(created, 0);
    const ok = await rawRequest(socketPath, 'POST', '/containers/create?name=web', {
      body: '{"Image":"busybox","Cmd":"true"}',
    });
    assert.equal(ok.status, 201);
    assert.equal(created, 1);
  });

  it('normalises a string Cmd to a list, as Docker StrSlice does', async () => {
    let seen: unknown;
    await serve(
      fakeBackend({
        containers: {
          create: async (_n: string | undefined, req: { Cmd?: unknown }) => (
            (seen = req.Cmd),
            { Id: 'x', Warnings: [] }
          ),
        },
      }),
    );
    await rawRequest(socketPath, 'POST', '/containers/create', { body: '{"Image":"b","Cmd":"echo hi"}' });
    assert.deepEqual(seen, ['echo hi']);
  });

  it('rejects unknown filters and bad integers', async () => {
    await serve(fakeBackend({ containers: { list: async () => [] } }));
    const badFilter = await rawRequest(
      socketPath,
      'GET',
      `/containers/json?filters=${encodeURIComponent('{"colour":["red"]}')}`,
    );
    assert.equal(badFilter.status, 400);
    assert.match(JSON.parse(badFilter.body.toString()).message, /invalid filter 'colour'/);
    const badInt = await rawRequest(socketPath, 'GET', '/containers/json?limit=many');
    assert.equal(badInt.status, 400);
    const ok = await rawRequest(
      socketPath,
      'GET',
      `/containers/json?filters=${encodeURIComponent('{"status":{"running":true}}')}`,
    );
    assert.equal(ok.status, 200);
  });

  it('hijacks attach with 101 UPGRADED and multiplexed frames, and forwards stdin', async () => {
    const session = manualSession(false);
    await serve(fakeBackend({ containers: { attach: async () => session } }));
    const { socket, status, headers, rest } = await hijack(
      socketPath,
      '/v1.45/containers/c1/attach?stream=1&stdin=1&stdout=1&stderr=1',
    );
    assert.equal(status, 101);
    assert.equal(headers['content-type'], 'application/vnd.docker.multiplexed-stream');
    assert.equal(headers['upgrade'], 'tcp');
    const frames: [number, string][] = [];
    const decoder = new FrameDecoder((s, d) => frames.push([s, d.toString()]));
    decoder.push(rest);
    socket.on('data', (c: Buffer) => decoder.push(c));
    const closed = new Promise((r) => socket.on('end', r));
    socket.write('hello\n');
    await waitFor(() => session.stdin.length > 0);
    assert.equal(Buffer.concat(session.stdin).toString(), 'hello\n');
    session.emit({ stream: 1, data: Buffer.from('out') });
    session.emit({ stream: 2, data: Buffer.from('err') });
    socket.end(); // the client's half-close closes the process's stdin
    await waitFor(() => session.stdinClosed);
    session.finish();
    await closed;
    assert.deepEqual(frames, [
      [1, 'out'],
      [2, 'err'],
    ]);
  });

  it('drops an upgraded attach request’s body (dockerode sends its options) instead of taking it as stdin', async () => {
    const session = manualSession(true);
    await serve(fakeBackend({ containers: { attach: async () => session } }));
    const { socket, status } = await hijack(
      socketPath,
      '/containers/c1/attach?stream=1&stdin=1&stdout=1',
      '{"stream":true,"stdin":true,"stdout":true,"hijack":true}',
    );
    assert.equal(status, 101);
    socket.write('typed');
    await waitFor(() => Buffer.concat(session.stdin).length >= 'typed'.length);
    assert.equal(Buffer.concat(session.stdin).toString(), 'typed');
    session.finish();
    socket.destroy();
  });

  it('detaches on ctrl-p ctrl-q and sends raw bytes for a TTY', async () => {
    const session = manualSession(true);
    await serve(fakeBackend({ containers: { attach: async () => session } }));
    const { socket, headers } = await hijack(socketPath, '/containers/c1/attach?stream=1&stdin=1&stdout=1');
    assert.equal(headers['content-type'], 'application/vnd.docker.raw-stream');
    const received: Buffer[] = [];
    socket.on('data', (c: Buffer) => received.push(c));
    session.emit({ stream: 1, data: Buffer.from('$ ') });
    await waitFor(() => Buffer.concat(received).toString() === '$ ');
    const ended = session.ended;
    socket.write(Buffer.from([0x61, 0x10, 0x11]));
    await ended;
    assert.equal(Buffer.concat(session.stdin).toString(), 'a');
    socket.destroy();
  });

  it('reads the exec start body on an upgraded connection before hijacking', async () => {
    const session = manualSession(false);
    let options: unknown;
    await serve(
      fakeBackend({ exec: { start: async (_id: string, o: unknown) => ((options = o), session) } }),
    );
    const { socket, status } = await hijack(
      socketPath,
      '/v1.45/exec/e1/start',
      '{"Detach":false,"Tty":false}',
    );
    assert.equal(status, 101);
    assert.deepEqual(options, { Detach: false, Tty: false });
    socket.write('input');
    await waitFor(() => session.stdin.length > 0);
    assert.equal(Buffer.concat(session.stdin).toString(), 'input');
    session.finish();
    socket.destroy();
  });

  it('sends wait headers once the waiter is registered, then the exit code', async () => {
    let release!: (v: { StatusCode: number }) => void;
    await serve(
      fakeBackend({
        containers: {
          wait: async () => ({ result: new Promise<{ StatusCode: number }>((r) => (release = r)) }),
        },
      }),
    );
    const { socket, status } = await hijackLike(
      socketPath,
      'POST',
      '/containers/c1/wait?condition=next-exit',
    );
    assert.equal(status, 200);
    const body = new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (c: Buffer) => (text += c.toString()));
      socket.on('end', () => resolve(text));
    });
    release({ StatusCode: 3 });
    assert.match(await body, /\{"StatusCode":3\}/);
    const bad = await rawRequest(socketPath, 'POST', '/containers/c1/wait?condition=sometime');
    assert.equal(bad.status, 400);
  });

  it('frames logs and prefixes timestamps when asked', async () => {
    await serve(
      fakeBackend({
        containers: {
          logs: async () => ({
            tty: false,
            entries: (async function* () {
              yield {
                stream: 'stdout' as const,
                time: '2024-01-01T00:00:00.000000001Z',
                data: Buffer.from('a\n'),
              };
              yield {
                stream: 'stderr' as const,
                time: '2024-01-01T00:00:01.000000001Z',
                data: Buffer.from('b\n'),
              };
            })(),
          }),
        },
      }),
    );
    const res = await rawRequest(socketPath, 'GET', '/containers/c1/logs?stdout=1&stderr=1&timestamps=1');
    const frames: [number, string][] = [];
    new FrameDecoder((s, d) => frames.push([s, d.toString()])).push(res.body);
    assert.deepEqual(frames, [
      [1, '2024-01-01T00:00:00.000000001Z a\n'],
      [2, '2024-01-01T00:00:01.000000001Z b\n'],
    ]);
    const none = await rawRequest(socketPath, 'GET', '/containers/c1/logs');
    assert.equal(none.status, 400);
  });

  it('reports a pull error as an HTTP error before progress and in-stream after it', async () => {
    await serve(
      fakeBackend({
        images: {
          pull: async (ref: string, _o: unknown, progress: (m: object) => void) => {
            if (ref === 'nothere:latest')
              throw notFound('pull access denied for nothere: repository does not exist');
            progress({ status: 'Pulling from library/busybox', id: 'latest' });
            throw new Error('connection reset by registry');
          },
        },
      }),
    );
    const early = await rawRequest(socketPath, 'POST', '/images/create?fromImage=nothere&tag=latest');
    assert.equal(early.status, 404);
    const late = await rawRequest(socketPath, 'POST', '/images/create?fromImage=busybox&tag=latest');
    assert.equal(late.status, 200);
    const lines = late.body
      .toString()
      .trim()
      .split('\r\n')
      .map((l) => JSON.parse(l));
    assert.equal(lines[0].status, 'Pulling from library/busybox');
    assert.equal(lines[1].error, 'connection reset by registry');
  });

  it('passes image names with slashes and registries through to the backend', async () => {
    let seen = '';
    await serve(fakeBackend({ images: { inspect: async (name: string) => ((seen = name), {} as never) } }));
    await rawRequest(socketPath, 'GET', '/v1.45/images/localhost:5000/team/app:1.0/json');
    assert.equal(seen, 'localhost:5000/team/app:1.0');
  });

  it('says swarm is not supported instead of page not found', async () => {
    await serve(fakeBackend({}));
    const res = await rawRequest(socketPath, 'GET', '/v1.45/swarm');
    assert.equal(res.status, 503);
    assert.match(JSON.parse(res.body.toString()).message, /not a swarm manager/);
  });
});

async function waitFor(cond: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setImmediate(r));
  }
}

/** Sends a plain request and resolves once the status line and headers arrived. */
function hijackLike(socketPath: string, method: string, path: string) {
  return new Promise<{ socket: Socket; status: number }>((resolve, reject) => {
    const socket = connect(socketPath);
    let buf = '';
    const onData = (c: Buffer): void => {
      buf += c.toString();
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      const rest = buf.slice(end + 4);
      if (rest) process.nextTick(() => socket.emit('data', Buffer.from(rest)));
      resolve({ socket, status: Number(buf.split(' ')[1]) });
    };
    socket.on('data', onData);
    socket.on('error', reject);
    socket.write(`${method} ${path} HTTP/1.1\r\nHost: berth\r\nConnection: close\r\n\r\n`);
  });
}
