// berth.engine.start: Start Engine — starts the bundled berthd (or reconnects to a configured socket).
import * as vscode from 'vscode';

import type { CommandContext } from '../context';

export async function startEngine(context: CommandContext): Promise<void> {
  const target = context.engine.target();
  if (target.kind === 'socket') {
    if (await context.engine.reset()) return;
    void vscode.window.showWarningMessage(
      `No engine answers at ${target.socketPath}. Berth only starts its bundled engine; start that engine with its own tools, or clear berth.engine.socket to use the bundled one.`,
    );
    return;
  }
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Starting the Berth engine', cancellable: true },
    async (_progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      await context.engine.startBundled(abort.signal);
    },
  );
}
