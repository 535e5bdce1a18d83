// A minimal LSP client over stdio: starts a server process, speaks JSON-RPC to it and exposes the
// few requests the benchmarks and the stdio tests need. Works with any LSP server, so the same
// code drives Berth and its peer.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import type { Diagnostic, Position } from 'vscode-languageserver-types';

export interface ServerCommand {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
}

interface PublishDiagnosticsParams {
  uri: string;
  version?: number;
  diagnostics: Diagnostic[];
}

export class LspClient {
  private readonly versions = new Map<string, number>();
  private readonly diagnosticWaiters = new Map<string, ((d: Diagnostic[]) => void)[]>();
  /** The last diagnostics published for each URI. */
  readonly diagnostics = new Map<string, Diagnostic[]>();
  initializeResult: { capabilities: Record<string, unknown> } | undefined;

  private constructor(
    readonly server: ServerCommand,
    private readonly child: ChildProcess,
    private readonly connection: MessageConnection,
  ) {}

  static async start(server: ServerCommand, rootUri: string | null = null): Promise<LspClient> {
    const child = spawn(server.command, [...server.args], { stdio: ['pipe', 'pipe', 'inherit'] });
    const connection = createMessageConnection(
      new StreamMessageReader(child.stdout!),
      new StreamMessageWriter(child.stdin!),
    );
    const client = new LspClient(server, child, connection);
    connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) =>
      client.receiveDiagnostics(params),
    );
    // Servers may ask for configuration or register capabilities; answer like a plain editor.
    connection.onRequest('workspace/configuration', (params: { items: unknown[] }) =>
      params.items.map(() => null),
    );
    connection.onRequest(() => null);
    connection.onNotification(() => undefined);
    connection.listen();
    client.initializeResult = await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      capabilities: {
        textDocument: {
          publishDiagnostics: { relatedInformation: true },
          completion: {
            completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] },
          },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          semanticTokens: {
            requests: { full: true },
            tokenTypes: [],
            tokenModifiers: [],
            formats: ['relative'],
          },
        },
        workspace: { configuration: false },
      },
    });
    await connection.sendNotification('initialized', {});
    return client;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Resident set size of the server process, in bytes (Linux). */
  rss(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status);
    return kb ? Number(kb[1]) * 1024 : NaN;
  }

  /**
   * CPU time the server process has used so far, in ms (user + system, from /proc; 10 ms ticks).
   * Unlike wall-clock latency it does not grow when other work on the machine takes the CPU.
   */
  cpuTime(): number {
    const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  }

  /** Resolves with the next diagnostics published for `uri`. Register before sending the change. */
  nextDiagnostics(uri: string): Promise<Diagnostic[]> {
    return new Promise((resolve) => {
      const waiters = this.diagnosticWaiters.get(uri) ?? [];
      waiters.push(resolve);
      this.diagnosticWaiters.set(uri, waiters);
    });
  }

  private receiveDiagnostics(params: PublishDiagnosticsParams): void {
    this.diagnostics.set(params.uri, params.diagnostics);
    const waiters = this.diagnosticWaiters.get(params.uri);
    if (!waiters?.length) return;
    this.diagnosticWaiters.delete(params.uri);
    for (const resolve of waiters) resolve(params.diagnostics);
  }

  async open(uri: string, text: string): Promise<void> {
    this.versions.set(uri, 1);
    await this.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'dockerfile', version: 1, text },
    });
  }

  async replace(uri: string, text: string): Promise<void> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
  }

  async close(uri: string): Promise<void> {
    this.versions.delete(uri);
    await this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  completion(uri: string, position: Position): Promise<unknown> {
    return this.request('textDocument/completion', { textDocument: { uri }, position });
  }

  hover(uri: string, position: Position): Promise<unknown> {
    return this.request('textDocument/hover', { textDocument: { uri }, position });
  }

  semanticTokens(uri: string): Promise<{ data: number[] } | null> {
    return this.request('textDocument/semanticTokens/full', { textDocument: { uri } });
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    } catch {
      this.child.kill();
    }
    await exited;
    this.connection.dispose();
  }
}
