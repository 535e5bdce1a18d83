// Inspect: the engine's JSON for a container, image, volume or network as a read-only document
// (a virtual document under the berth-inspect: scheme, fetched when opened).
import * as vscode from 'vscode';

import type { EngineConnection } from '../engine/connection';

export type InspectKind = 'container' | 'image' | 'volume' | 'network';
export const INSPECT_SCHEME = 'berth-inspect';

export class InspectDocuments implements vscode.TextDocumentContentProvider {
  private opened = 0;

  constructor(private readonly engine: EngineConnection) {}

  /**
   * Opens `berth-inspect:/<kind>/<name>.json?<id>#<n>` in an editor. VS Code keeps a virtual
   * document by its URI and would show the first answer again (a container inspected before and
   * after a restart); the count in the fragment makes each Inspect fetch what the engine says now.
   */
  async open(kind: InspectKind, id: string, name: string): Promise<vscode.TextEditor> {
    const safeName = name.replace(/[/\\?#]/g, '_');
    const uri = vscode.Uri.from({
      scheme: INSPECT_SCHEME,
      path: `/${kind}/${safeName}.json`,
      query: id,
      fragment: String(++this.opened),
    });
    const document = await vscode.workspace.openTextDocument(uri);
    return vscode.window.showTextDocument(document, { preview: true });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const kind = uri.path.split('/')[1] as InspectKind;
    const id = uri.query;
    const docker = await this.engine.client();
    const data = await (kind === 'container'
      ? docker.getContainer(id).inspect()
      : kind === 'image'
        ? docker.getImage(id).inspect()
        : kind === 'volume'
          ? docker.getVolume(id).inspect()
          : docker.getNetwork(id).inspect());
    return JSON.stringify(data, null, 2) + '\n';
  }
}
