// Starts the Dockerfile language server when it is first needed (a Dockerfile is open), not at
// activation: the views and the status bar activate Berth without any Dockerfile in sight. Once it
// runs, it hears about the engine's images (language/imageSync.ts).
import * as vscode from 'vscode';

import type { EngineConnection } from '../engine/connection';
import { loadLanguageBundle } from '../lazy';
import type { LanguageClient } from './bundle';

export class LanguageClientStarter implements vscode.Disposable {
  private starting: Promise<LanguageClient> | undefined;
  private client: LanguageClient | undefined;
  private readonly startedEmitter = new vscode.EventEmitter<LanguageClient>();
  /** Fires once the language server runs. */
  readonly onDidStart = this.startedEmitter.event;
  private readonly subscription: vscode.Disposable;

  private imageSync: vscode.Disposable | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly engine: EngineConnection,
  ) {
    this.subscription = vscode.workspace.onDidOpenTextDocument((document) => {
      if (document.languageId === 'dockerfile') void this.start();
    });
    if (vscode.workspace.textDocuments.some((d) => d.languageId === 'dockerfile')) void this.start();
  }

  /** The running client, if it has started. */
  get running(): LanguageClient | undefined {
    return this.client;
  }

  /** Starts the server (once) and resolves when it runs. */
  start(): Promise<LanguageClient> {
    this.starting ??= loadLanguageBundle()
      .startLanguageClient(this.context)
      .then((client) => {
        this.client = client;
        this.imageSync = loadLanguageBundle().syncLocalImages(client, this.engine);
        this.startedEmitter.fire(client);
        return client;
      });
    return this.starting;
  }

  async dispose(): Promise<void> {
    this.subscription.dispose();
    this.imageSync?.dispose();
    this.startedEmitter.dispose();
    await this.client?.stop();
  }
}
