// berth.engine.stop: Stop Engine — stops the bundled berthd. Its containers keep running (berthd
// leaves them be when it exits and adopts them again when it starts), so nothing is lost and there
// is nothing to confirm; the message says so, since the views empty meanwhile.
import * as vscode from 'vscode';

import type { CommandContext } from '../context';

export async function stopEngine(context: CommandContext): Promise<void> {
  const docker = context.engine.clientIfConnected();
  const running = docker
    ? (await docker.listContainers({ filters: { status: ['running'] } }).catch(() => [])).length
    : 0;
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Stopping the Berth engine' },
    () => context.engine.stopBundled(),
  );
  if (running > 0) {
    void vscode.window.showInformationMessage(
      `The Berth engine stopped. Its ${running} running container${running === 1 ? ' keeps' : 's keep'} running; start the engine again to see and manage ${running === 1 ? 'it' : 'them'}.`,
    );
  }
}
