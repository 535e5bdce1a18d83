// Code lenses above each FROM (build/stageLenses.ts says which). The parser loads with the commands
// bundle, when the first Dockerfile asks for lenses.
import * as vscode from 'vscode';

import { loadCommandsBundle } from '../lazy';

export class BuildCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changeEmitter.event;

  /** berth.build.codeLens changed. */
  refresh(): void {
    this.changeEmitter.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (document.uri.scheme !== 'file') return [];
    if (!vscode.workspace.getConfiguration('berth.build', document.uri).get<boolean>('codeLens', true))
      return [];
    return loadCommandsBundle()
      .stageLenses(document.getText())
      .map((lens) => {
        const range = new vscode.Range(lens.line, 0, lens.line, 0);
        return new vscode.CodeLens(range, {
          title: lens.title,
          command: lens.command,
          arguments: [{ dockerfile: document.uri, target: lens.target }],
        });
      });
  }
}
