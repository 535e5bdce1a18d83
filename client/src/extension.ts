// Extension entry point: wiring only. Each feature lives in its own module.
import * as path from 'node:path';
import type { ExtensionContext } from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';

import type { BerthApi } from './api';

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<BerthApi> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      options: { execArgv: ['--nolazy', '--inspect=6009'] },
    },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'dockerfile' }],
  };
  client = new LanguageClient('berth', 'Berth Dockerfile', serverOptions, clientOptions);
  await client.start();
  return {
    languageServerInfo: () => client?.initializeResult?.serverInfo,
  };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
