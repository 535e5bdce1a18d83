// berth.engine.showLogs: Show Engine Logs — berthd's log file, or where another engine's logs are.
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';

import type { CommandContext } from '../context';

export async function showEngineLogs(context: CommandContext): Promise<void> {
  const target = context.engine.target();
  if (target.kind === 'socket') {
    context.log.show(true);
    void vscode.window.showInformationMessage(
      `The engine at ${target.socketPath} is not Berth's own: its logs are wherever its service writes them (for Docker: journalctl -u docker). Berth's connection log is open in the Output panel.`,
    );
    return;
  }
  const logFile = context.engine.bundledLogFile;
  if (!existsSync(logFile)) {
    context.log.show(true);
    void vscode.window.showInformationMessage(
      `The bundled engine has not written a log yet (${logFile}); it starts when you open the Berth view or run a command.`,
    );
    return;
  }
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(logFile));
  const editor = await vscode.window.showTextDocument(document, { preview: false });
  const end = document.lineAt(document.lineCount - 1).range.end;
  editor.revealRange(new vscode.Range(end, end));
}
