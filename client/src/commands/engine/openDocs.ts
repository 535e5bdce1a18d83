// berth.engine.openDocs: Open Docs — the user guide shipped with the extension (works offline).
import * as vscode from 'vscode';

import type { CommandContext } from '../context';

export async function openDocs(context: CommandContext): Promise<void> {
  const readme = vscode.Uri.joinPath(context.extension.extensionUri, 'README.md');
  await vscode.commands.executeCommand('markdown.showPreview', readme);
}
