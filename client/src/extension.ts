// Extension entry point: wiring only. Each feature lives in its own module; the heavy ones (the
// engine client, the language client) load on first use, see lazy.ts.
import * as path from 'node:path';
import * as vscode from 'vscode';

import type { BerthApi, BerthViewName } from './api';
import { BuildCodeLensProvider } from './build/codeLens';
import { BuildDiagnostics } from './build/diagnostics';
import type { CommandContext } from './commands/context';
import { registerCommands } from './commands/register';
import { BundledEngine } from './engine/bundled';
import { EngineConnection } from './engine/connection';
import { InspectDocuments, INSPECT_SCHEME } from './inspect/documents';
import { LanguageClientStarter } from './language/languageClient';
import { RunChoicesStore } from './run/choicesStore';
import { EngineStatusBar } from './statusBar';
import { BerthTaskProvider } from './tasks/taskProvider';
import { Views } from './tree/views';

// esbuild's banner records when the bundle started loading (see esbuild.mjs); this line runs once
// every import has loaded. VS Code creates the extension's context between the two phases, which is
// its time, not ours, so activation time = code loading + the activate() call.
declare const __berthLoadStart: number | undefined;
const codeLoadingMs = typeof __berthLoadStart === 'number' ? performance.now() - __berthLoadStart : 0;

let language: LanguageClientStarter | undefined;

export function activate(context: vscode.ExtensionContext): BerthApi {
  const activateStart = performance.now();
  const log = vscode.window.createOutputChannel('Berth', { log: true });
  const bundled = new BundledEngine(
    context.asAbsolutePath(path.join('bin', 'berthd')),
    path.join(context.globalStorageUri.fsPath, 'berthd.log'),
  );
  const engine = new EngineConnection({ bundled, log });
  const views = new Views(engine);
  const inspect = new InspectDocuments(engine);
  const buildDiagnostics = new BuildDiagnostics();
  const codeLenses = new BuildCodeLensProvider();
  const commandContext: CommandContext = {
    extension: context,
    engine,
    views,
    log,
    inspect,
    buildDiagnostics,
    runChoices: new RunChoicesStore(context.globalState),
  };
  language = new LanguageClientStarter(context, engine);
  const loadedEmitter = new vscode.EventEmitter<BerthViewName>();
  context.subscriptions.push(
    log,
    engine,
    views,
    buildDiagnostics,
    language,
    loadedEmitter,
    new EngineStatusBar(engine),
    ...registerCommands(commandContext),
    vscode.workspace.registerTextDocumentContentProvider(INSPECT_SCHEME, inspect),
    vscode.languages.registerCodeLensProvider({ language: 'dockerfile' }, codeLenses),
    vscode.tasks.registerTaskProvider('berth-build', new BerthTaskProvider(commandContext, 'berth-build')),
    vscode.tasks.registerTaskProvider('berth-run', new BerthTaskProvider(commandContext, 'berth-run')),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('berth.engine')) void engine.reset();
      if (e.affectsConfiguration('berth.build.codeLens')) codeLenses.refresh();
    }),
    ...Object.values(views.providers).map((p) => p.onDidLoad(() => loadedEmitter.fire(p.view))),
  );
  void vscode.commands.executeCommand(
    'setContext',
    'berth.engine.bundled',
    engine.target().kind === 'bundled',
  );
  // After activation returns: see whether an engine answers (without starting one).
  setImmediate(() => void engine.connect());

  const api: BerthApi = {
    languageServerInfo: () => language?.running?.initializeResult?.serverInfo,
    languageServerReady: async () => {
      await language?.start();
    },
    activationMs: codeLoadingMs + performance.now() - activateStart,
    engineState: () => {
      const state = engine.state;
      return {
        kind: state.kind,
        reason: state.kind === 'unreachable' ? state.reason : undefined,
        engine: state.kind === 'connected' ? `${state.info.name} ${state.info.version}` : undefined,
      };
    },
    onDidChangeEngineState: engine.onDidChangeState,
    viewItems: (view) => views.providers[view].current,
    onDidLoadView: loadedEmitter.event,
  };
  log.info(`activated in ${api.activationMs.toFixed(1)} ms (code loading ${codeLoadingMs.toFixed(1)} ms)`);
  return api;
}

export async function deactivate(): Promise<void> {
  await language?.dispose();
}
