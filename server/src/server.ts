// The Dockerfile language server: a thin LSP adapter over the transport-free language service.
// Each handler finds the parsed model of the document's current version and calls one compute
// function; none parses again, reads the network or waits on anything.
//
// Launchers start it with `serverNodeFlags` (protocol.ts), which keep its heap small.
import { format } from 'node:util';
import {
  createConnection,
  DidChangeConfigurationNotification,
  ProposedFeatures,
  ResponseError,
  StreamMessageReader,
  TextDocuments,
  TextDocumentSyncKind,
  type InitializeParams,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CodeActionKind } from 'vscode-languageserver-types';
import { computeCodeActions, fixAllKind } from './codeActions';
import { completionTriggers, computeCompletion } from './completion';
import { DiskContextFiles } from './contextFiles';
import { computeDiagnostics } from './diagnostics';
import type { DockerfileDocument } from '../../engine/src/dockerfile/lint/document';
import { ImageCatalog } from '../../engine/src/dockerfile/lint/environment';
import { computeFormatting } from './formatting';
import { computeHover } from './hover';
import { computeDocumentLinks } from './links';
import {
  computeDefinition,
  computeHighlights,
  computePrepareRename,
  computeReferences,
  computeRename,
  RenameError,
} from './navigation';
import { computeDocumentSymbols, computeFoldingRanges } from './outline';
import { LocalImagesNotification, settingsSection } from './protocol';
import { computeSemanticTokens, semanticTokensLegend } from './semanticTokens';
import { readSettings } from '../../engine/src/dockerfile/lint/settings';
import { computeSignatureHelp } from './signatureHelp';
import { BatchingMessageWriter } from './batchingWriter';
import { DocumentStore } from './store';

// Over stdio, our writer sends the messages of one event-loop turn in one write; other transports
// (--node-ipc, --socket, --pipe) are set up by the library from the command line.
const stdio = process.argv.includes('--stdio');
const connection = stdio
  ? createConnection(
      ProposedFeatures.all,
      new StreamMessageReader(process.stdin),
      new BatchingMessageWriter(process.stdout),
    )
  : createConnection(ProposedFeatures.all);
let shutdownReceived = false;
if (stdio) {
  // As the library does for the stdio it opens: the client closing our stdin ends the server.
  for (const event of ['end', 'close']) process.stdin.on(event, () => process.exit(shutdownReceived ? 0 : 1));
  // Stdout carries the protocol: console output goes to the client's log instead (the library
  // does this itself only when it opens stdio).
  console.log = console.info = (...args: unknown[]) => connection.console.log(format(...args));
  console.warn = (...args: unknown[]) => connection.console.warn(format(...args));
  console.error = (...args: unknown[]) => connection.console.error(format(...args));
  console.debug = (...args: unknown[]) => connection.console.debug(format(...args));
}
const documents = new TextDocuments(TextDocument);
const store = new DocumentStore(
  (uri) => documents.get(uri),
  (model) =>
    void connection.sendDiagnostics({
      uri: model.uri,
      version: model.version,
      diagnostics: computeDiagnostics(model, store.environment),
    }),
);
store.environment = { ...store.environment, files: new DiskContextFiles() };
let pullsConfiguration = false;

connection.onInitialize((params: InitializeParams) => {
  pullsConfiguration = params.capabilities.workspace?.configuration === true;
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, fixAllKind] },
      completionProvider: { triggerCharacters: completionTriggers },
      hoverProvider: true,
      signatureHelpProvider: { triggerCharacters: [' ', '='] },
      semanticTokensProvider: { legend: semanticTokensLegend, full: true },
      documentSymbolProvider: true,
      foldingRangeProvider: true,
      documentFormattingProvider: true,
      documentRangeFormattingProvider: true,
      renameProvider: { prepareProvider: true },
      definitionProvider: true,
      referencesProvider: true,
      documentHighlightProvider: true,
      documentLinkProvider: { resolveProvider: false },
    },
    serverInfo: { name: 'berth-lsp' },
  };
});

connection.onShutdown(() => {
  shutdownReceived = true;
});

connection.onInitialized(() => {
  if (!pullsConfiguration) return;
  void connection.client.register(DidChangeConfigurationNotification.type, { section: settingsSection });
  void refreshSettings();
});

async function refreshSettings(): Promise<void> {
  const raw: unknown = await connection.workspace.getConfiguration(settingsSection);
  store.setEnvironment({ ...store.environment, settings: readSettings(raw) });
}

connection.onDidChangeConfiguration((change) => {
  if (pullsConfiguration) return void refreshSettings();
  const pushed = (change.settings as { berth?: { dockerfile?: unknown } } | undefined)?.berth?.dockerfile;
  store.setEnvironment({ ...store.environment, settings: readSettings(pushed) });
});

connection.onNotification(LocalImagesNotification.type, (params) =>
  store.setEnvironment({ ...store.environment, images: new ImageCatalog(params.images, params.platform) }),
);

documents.onDidChangeContent((change) => store.schedule(change.document.uri));
documents.onDidClose((event) => {
  store.close(event.document.uri);
  void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
});

/**
 * Runs `compute` on the current model of the request's document; null when it is not open.
 * `diagnosticsFirst`: for answers about the whole document, which the editor asks for right after
 * an open or an edit, publish that version's diagnostics first if they are still waiting (the
 * parse is shared). Requests at the cursor (completion, hover…) answer before them instead.
 */
function withModel<P extends { textDocument: { uri: string } }, R>(
  compute: (model: DockerfileDocument, params: P) => R,
  { diagnosticsFirst = false } = {},
) {
  return (params: P): R | null => {
    if (diagnosticsFirst) store.validatePending(params.textDocument.uri);
    const model = store.get(params.textDocument.uri);
    if (!model) return null;
    try {
      return compute(model, params);
    } catch (error) {
      if (error instanceof RenameError) throw new ResponseError(-32803, error.message);
      throw error;
    }
  };
}

const env = () => store.environment;
connection.onCodeAction(
  withModel((m, p) => computeCodeActions(m, p.context.diagnostics, env(), p.context.only)),
);
connection.onCompletion(withModel((m, p) => computeCompletion(m, p.position, env())));
connection.onHover(withModel((m, p) => computeHover(m, p.position, env())));
connection.onSignatureHelp(withModel((m, p) => computeSignatureHelp(m, p.position)));
connection.languages.semanticTokens.on(
  withModel((m) => computeSemanticTokens(m), { diagnosticsFirst: true }),
);
connection.onDocumentSymbol(withModel((m) => computeDocumentSymbols(m), { diagnosticsFirst: true }));
connection.onFoldingRanges(withModel((m) => computeFoldingRanges(m), { diagnosticsFirst: true }));
connection.onDocumentFormatting(withModel((m) => computeFormatting(m)));
connection.onDocumentRangeFormatting(withModel((m, p) => computeFormatting(m, p.range)));
connection.onPrepareRename(withModel((m, p) => computePrepareRename(m, p.position)));
connection.onRenameRequest(withModel((m, p) => computeRename(m, p.position, p.newName)));
connection.onDefinition(withModel((m, p) => computeDefinition(m, p.position)));
connection.onReferences(withModel((m, p) => computeReferences(m, p.position, p.context.includeDeclaration)));
connection.onDocumentHighlight(withModel((m, p) => computeHighlights(m, p.position)));
connection.onDocumentLinks(withModel((m) => computeDocumentLinks(m), { diagnosticsFirst: true }));

documents.listen(connection);
connection.listen();
