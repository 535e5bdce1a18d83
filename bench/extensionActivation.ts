// Child process of bench/extension.ts: loads the extension bundle as VS Code's extension host would
// (Node's built-in modules already loaded, `vscode` provided by the host) and calls activate().
// Prints {"codeLoadingMs","activateMs","reportedMs"} on stdout. The `vscode` module here is a stand-in
// whose calls do nothing, so the figure is Berth's own work, not the editor's.
import { mkdtempSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

// What the extension host has loaded before any extension (Node's own modules it uses).
for (const builtin of [
  'http',
  'https',
  'net',
  'child_process',
  'stream',
  'string_decoder',
  'fs',
  'os',
  'path',
  'crypto',
  'util',
  'events',
  'url',
  'zlib',
  'perf_hooks',
]) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a computed name: loaded for its side effect
  require(builtin);
}

const disposable = { dispose: () => undefined };
/** Any API not spelled out below: callable, constructible, every property another stand-in. */
function standIn(): unknown {
  const values = new Map<string | symbol, unknown>();
  const handler: ProxyHandler<() => void> = {
    get: (_target, prop) => {
      if (prop === 'then') return undefined;
      if (!values.has(prop)) values.set(prop, standIn());
      return values.get(prop);
    },
    set: (_target, prop, value) => values.set(prop, value) !== undefined,
    apply: () => standIn(),
    construct: () => standIn() as object,
  };
  return new Proxy(function () {}, handler);
}
class EventEmitter {
  event = () => disposable;
  fire(): void {}
  dispose(): void {}
}
const memento = {
  get: (_key: string, fallback?: unknown) => fallback,
  update: async () => undefined,
  keys: () => [],
};
const workspace = {
  getConfiguration: () => ({
    get: (_key: string, fallback?: unknown) => fallback,
    update: async () => undefined,
  }),
  textDocuments: [],
  workspaceFolders: undefined,
  onDidOpenTextDocument: () => disposable,
  onDidChangeConfiguration: () => disposable,
  registerTextDocumentContentProvider: () => disposable,
};
// A plain object with every name the extension uses: bundlers copy the module's own keys.
const vscode: Record<string, unknown> = { EventEmitter, workspace };
for (const name of [
  'window',
  'commands',
  'languages',
  'tasks',
  'env',
  'extensions',
  'Uri',
  'ThemeIcon',
  'ThemeColor',
  'TreeItem',
  'MarkdownString',
  'StatusBarAlignment',
  'TreeItemCollapsibleState',
  'ProgressLocation',
  'ConfigurationTarget',
  'CodeLens',
  'Range',
  'Diagnostic',
  'DiagnosticSeverity',
  'CustomExecution',
  'Task',
  'TaskGroup',
  'QuickInputButtons',
  'CancellationError',
  'Disposable',
]) {
  vscode[name] = standIn();
}

const moduleApi = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const resolve = moduleApi._resolveFilename;
moduleApi._resolveFilename = function (request: string, ...rest: unknown[]) {
  return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
};
require.cache.vscode = {
  id: 'vscode',
  filename: 'vscode',
  loaded: true,
  exports: vscode,
} as unknown as NodeJS.Module;

const bundle = process.argv[2];
const root = process.argv[3];
const storage = mkdtempSync(path.join(tmpdir(), 'berth-bench-activation-'));
const loadStart = performance.now();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const extension = require(bundle) as { activate(context: unknown): { activationMs: number } };
const loaded = performance.now();
const api = extension.activate({
  subscriptions: [],
  asAbsolutePath: (p: string) => path.join(root, p),
  extensionUri: { fsPath: root },
  globalStorageUri: { fsPath: storage },
  globalState: memento,
  workspaceState: memento,
});
const activated = performance.now();
process.stdout.write(
  JSON.stringify({
    codeLoadingMs: loaded - loadStart,
    activateMs: activated - loaded,
    reportedMs: api.activationMs,
  }) + '\n',
);
process.exit(0);
