// bin/berth-lsp speaks LSP over each transport an editor may choose. The framing is written by hand
// here (not with vscode-jsonrpc, which the server itself uses) so the test checks the wire format.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import * as path from 'node:path';
import { serverNodeFlags } from '../../../server/src/protocol';

const root = path.resolve(__dirname, '..', '..', '..', '..');
const launcher = path.join(root, 'bin', 'berth-lsp');
// Generous: each test starts a Node process, which takes seconds when the machine is loaded (CI shares
// two cores with everything else); a server that never answers still fails well within the suite.
const TIMEOUT_MS = 20_000;

interface JsonRpcMessage {
  jsonrpc: '2.0';
  id?: number;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string };
}

/** One side of an LSP conversation: send a message, await the response to an id. */
class Conversation {
  private readonly waiting = new Map<number, (m: JsonRpcMessage) => void>();
  private nextId = 1;

  constructor(private readonly send: (m: JsonRpcMessage) => void) {}

  receive(message: JsonRpcMessage): void {
    if (message.id !== undefined && message.method === undefined) this.waiting.get(message.id)?.(message);
  }

  request(method: string, params: unknown): Promise<JsonRpcMessage> {
    const id = this.nextId++;
    const answered = new Promise<JsonRpcMessage>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no answer to ${method} in ${TIMEOUT_MS} ms`)),
        TIMEOUT_MS,
      );
      this.waiting.set(id, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
    });
    this.send({ jsonrpc: '2.0', id, method, params });
    return answered;
  }

  notify(method: string, params?: unknown): void {
    this.send({ jsonrpc: '2.0', method, params });
  }
}

/** Content-Length framing, as on stdio and sockets. */
function frame(message: JsonRpcMessage): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
}

function unframe(onMessage: (m: JsonRpcMessage) => void): (chunk: Buffer) => void {
  let buffered = Buffer.alloc(0);
  return (chunk) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (;;) {
      const headerEnd = buffered.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(
        /Content-Length: (\d+)/i.exec(buffered.subarray(0, headerEnd).toString('ascii'))?.[1],
      );
      assert.ok(length > 0, `bad LSP header: ${buffered.subarray(0, headerEnd).toString('ascii')}`);
      if (buffered.length < headerEnd + 4 + length) return;
      const body = buffered.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8');
      buffered = buffered.subarray(headerEnd + 4 + length);
      onMessage(JSON.parse(body) as JsonRpcMessage);
    }
  };
}

/** Waits for what the server should do, failing with its stderr and state if it does not in time. */
async function withinDeadline<T>(event: Promise<T>, server: ChildProcess, what: string): Promise<T> {
  let stderr = '';
  server.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const state = server.exitCode === null ? 'still running' : `exited with ${server.exitCode}`;
      reject(
        new Error(
          `the server did not ${what} in ${TIMEOUT_MS} ms (${state}); stderr: ${stderr || '(empty)'}`,
        ),
      );
    }, TIMEOUT_MS);
  });
  try {
    return await Promise.race([event, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** initialize → initialized → a document → shutdown → exit, then the server must exit with 0. */
async function speakLsp(server: ChildProcess, conversation: Conversation): Promise<void> {
  const exited = once(server, 'exit') as Promise<[number | null, string | null]>;
  const init = await conversation.request('initialize', {
    processId: process.pid,
    rootUri: null,
    capabilities: {},
    clientInfo: { name: 'berth-lsp transport test' },
  });
  assert.equal(init.error, undefined, `initialize failed: ${init.error?.message}`);
  const result = init.result as {
    serverInfo?: { name: string };
    capabilities: { textDocumentSync?: unknown };
  };
  assert.equal(result.serverInfo?.name, 'berth-lsp');
  assert.ok(result.capabilities.textDocumentSync, 'the server does not sync documents');
  conversation.notify('initialized', {});
  conversation.notify('textDocument/didOpen', {
    textDocument: {
      uri: 'file:///tmp/Dockerfile',
      languageId: 'dockerfile',
      version: 1,
      text: 'FROM busybox\n',
    },
  });
  const shutdown = await conversation.request('shutdown', null);
  assert.equal(shutdown.error, undefined, `shutdown failed: ${shutdown.error?.message}`);
  conversation.notify('exit');
  const [code, signal] = await withinDeadline(exited, server, 'exit after shutdown and exit');
  assert.equal(signal, null);
  assert.equal(code, 0, 'the server should exit with 0 after shutdown and exit');
}

describe('bin/berth-lsp', function () {
  this.timeout(TIMEOUT_MS * 2);
  const started: ChildProcess[] = [];

  before(function () {
    assert.ok(
      existsSync(path.join(root, 'dist', 'server', 'server.js')),
      'dist/ is missing: run `npm run build`',
    );
  });

  const listeners: Server[] = [];

  // Also after a failure or a timeout: a live child or listener would keep mocha from exiting.
  afterEach(() => {
    for (const child of started.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    for (const listener of listeners.splice(0)) listener.close();
  });

  function launch(args: string[], ipc = false): ChildProcess {
    const child = spawn(process.execPath, [launcher, ...args], {
      stdio: ipc ? ['pipe', 'pipe', 'pipe', 'ipc'] : ['pipe', 'pipe', 'pipe'],
    });
    started.push(child);
    return child;
  }

  it('speaks LSP over --stdio', async () => {
    const server = launch(['--stdio']);
    const conversation = new Conversation((m) => server.stdin!.write(frame(m)));
    server.stdout!.on(
      'data',
      unframe((m) => conversation.receive(m)),
    );
    await speakLsp(server, conversation);
  });

  it('frames non-ASCII messages by their byte length over --stdio, and exits when its stdin closes', async () => {
    const server = launch(['--stdio']);
    const published = new Promise<JsonRpcMessage>((resolve) => {
      const conversation = new Conversation((m) => server.stdin!.write(frame(m)));
      server.stdout!.on(
        'data',
        unframe((m) => {
          if (m.method === 'textDocument/publishDiagnostics') resolve(m);
          conversation.receive(m);
        }),
      );
      void conversation.request('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
      conversation.notify('initialized', {});
      conversation.notify('textDocument/didOpen', {
        textDocument: {
          uri: 'file:///tmp/Dockerfile',
          languageId: 'dockerfile',
          version: 1,
          text: 'FROM busybox:1\nRÜN echo hé\n',
        },
      });
    });
    const params = (await published).params as { diagnostics: { message: string }[] };
    assert.deepEqual(
      params.diagnostics.map((d) => d.message),
      ['unknown instruction: RÜN (did you mean RUN?)'],
    );
    const exited = once(server, 'exit') as Promise<[number | null, string | null]>;
    server.stdin!.end();
    const [code] = await exited;
    assert.equal(
      code,
      1,
      'the server should exit (with 1: no shutdown came) when the editor closes its stdin',
    );
  });

  it('publishes the diagnostics of an opened document before the whole-document answers asked for with it', async () => {
    const server = launch(['--stdio']);
    const uri = 'file:///tmp/Dockerfile';
    const received: string[] = [];
    const conversation = new Conversation((m) => server.stdin!.write(frame(m)));
    server.stdout!.on(
      'data',
      unframe((m) => {
        if (m.method === 'textDocument/publishDiagnostics') received.push('diagnostics');
        conversation.receive(m);
      }),
    );
    await conversation.request('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
    conversation.notify('initialized', {});
    conversation.notify('textDocument/didOpen', {
      textDocument: { uri, languageId: 'dockerfile', version: 1, text: 'from busybox\nRUN true\n' },
    });
    // As VS Code does right after opening a file: each arrives on its own turn, before the
    // diagnostics would have been published on their own.
    const methods = [
      'textDocument/semanticTokens/full',
      'textDocument/documentSymbol',
      'textDocument/foldingRange',
      'textDocument/documentLink',
    ];
    await withinDeadline(
      Promise.all(
        methods.map(async (method) => {
          const answer = await conversation.request(method, { textDocument: { uri } });
          assert.equal(answer.error, undefined, `${method} failed: ${answer.error?.message}`);
          received.push(method);
        }),
      ),
      server,
      'answer the requests sent after opening a document',
    );
    assert.equal(received[0], 'diagnostics', `received in this order: ${received.join(', ')}`);
  });

  it('runs node with the heap flags every launcher uses, when started as an executable', async () => {
    // Editors run the file itself: its shebang is what sets the flags.
    const server = spawn(launcher, ['--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    started.push(server);
    const conversation = new Conversation((m) => server.stdin!.write(frame(m)));
    server.stdout!.on(
      'data',
      unframe((m) => conversation.receive(m)),
    );
    const init = await conversation.request('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: {},
    });
    assert.equal(init.error, undefined);
    const argv = readFileSync(`/proc/${server.pid}/cmdline`, 'utf8').split('\0');
    for (const flag of serverNodeFlags)
      assert.ok(argv.includes(flag), `${flag} missing from ${argv.join(' ')}`);
  });

  it('speaks LSP over --node-ipc', async () => {
    const server = launch(['--node-ipc'], true);
    const conversation = new Conversation((m) => server.send(m));
    server.on('message', (m) => conversation.receive(m as JsonRpcMessage));
    await speakLsp(server, conversation);
  });

  it('speaks LSP over --socket=<port>, connecting to the editor on 127.0.0.1', async () => {
    const listener = createServer();
    listeners.push(listener);
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const port = (listener.address() as { port: number }).port;
    const connected = once(listener, 'connection') as Promise<[Socket]>;
    const server = launch([`--socket=${port}`]);
    const [socket] = await withinDeadline(connected, server, `connect to 127.0.0.1:${port}`);
    const conversation = new Conversation((m) => socket.write(frame(m)));
    socket.on(
      'data',
      unframe((m) => conversation.receive(m)),
    );
    await speakLsp(server, conversation);
    socket.destroy();
  });

  it('prints its usage and exits with 2 when no transport is given', async () => {
    const server = launch([]);
    let stderr = '';
    server.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const [code] = (await once(server, 'exit')) as [number];
    assert.equal(code, 2);
    assert.match(stderr, /usage: berth-lsp --stdio/);
  });
});
