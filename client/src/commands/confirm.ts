// Asking before destroying things (remove, prune, force, stopping an engine that runs containers):
// a modal dialog, unless the user turned these off with berth.confirmDestructiveActions.
import * as vscode from 'vscode';

/** Resolves true when the user chose `action` (or confirmations are off). */
export async function confirmDestructive(message: string, action: string, detail?: string): Promise<boolean> {
  if (!vscode.workspace.getConfiguration('berth').get<boolean>('confirmDestructiveActions', true))
    return true;
  const answer = await vscode.window.showWarningMessage(message, { modal: true, detail }, action);
  return answer === action;
}
