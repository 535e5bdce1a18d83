// berth.engine.stop: Stop Engine — stops the bundled berthd (running containers stop with it).
import * as vscode from 'vscode';

import { confirmDestructive } from '../confirm';
import type { CommandContext } from '../context';

export async function stopEngine(context: CommandContext): Promise<void> {
  const docker = context.engine.clientIfConnected();
  const running = docker
    ? (await docker.listContainers({ filters: { status: ['running'] } }).catch(() => [])).length
    : 0;
  if (running > 0) {
    if (
      !(await confirmDestructive(
        `Stop the Berth engine? Its ${running} running container${running === 1 ? '' : 's'} will be stopped.`,
        'Stop Engine',
      ))
    )
      return;
  }
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Stopping the Berth engine' },
    () => context.engine.stopBundled(),
  );
}
