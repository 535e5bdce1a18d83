// Build errors as diagnostics at the Dockerfile line they belong to, in their own collection (owner
// berth-build) so they never mix with the language server's findings (owner berth) or the
// berth-build problem matcher's (owner berth-build-task): VS Code replaces markers per owner.
// A new build of the file replaces them.
import * as vscode from 'vscode';

export class BuildDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('berth-build');

  clear(dockerfile: vscode.Uri): void {
    this.collection.delete(dockerfile);
  }

  /** Shows `message` on `line` (0-based) of the Dockerfile, across the line's text. */
  report(document: vscode.TextDocument, line: number, message: string): void {
    const at = document.lineAt(Math.min(line, document.lineCount - 1));
    const range = new vscode.Range(
      at.lineNumber,
      at.firstNonWhitespaceCharacterIndex,
      at.lineNumber,
      at.range.end.character,
    );
    const diagnostic = new vscode.Diagnostic(range, message, vscode.DiagnosticSeverity.Error);
    diagnostic.source = 'berth build';
    this.collection.set(document.uri, [diagnostic]);
  }

  dispose(): void {
    this.collection.dispose();
  }
}
