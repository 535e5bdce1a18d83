// Entry point of dist/client/language.js: the language client, loaded when the first Dockerfile opens
// (see language/languageClient.ts), since vscode-languageclient takes longer to load than activation may.
import * as path from 'node:path';
import type { ExtensionContext } from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { serverNodeFlags } from '../../../server/src/protocol';

export type { LanguageClient };
export { syncLocalImages } from './imageSync';

export async function startLanguageClient(context: ExtensionContext): Promise<LanguageClient> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server', 'server.js'));
  const serverOptions: ServerOptions = {
    // Heap sizing that keeps the server's memory low (see serverNodeFlags).
    run: {
      module: serverModule,
      transport: TransportKind.ipc,
      options: { execArgv: [...serverNodeFlags] },
    },
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      options: { execArgv: ['--nolazy', '--inspect=6009'] },
    },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'dockerfile' }],
  };
  const client = new LanguageClient('berth', 'Berth Dockerfile', serverOptions, clientOptions);
  await client.start();
  return client;
}
