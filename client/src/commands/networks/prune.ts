// berth.networks.prune: Prune… — removes user-created networks no container is connected to.
import * as vscode from 'vscode';

import { confirmDestructive } from '../confirm';
import type { CommandContext } from '../context';

export async function pruneNetworks(context: CommandContext): Promise<void> {
  if (!(await confirmDestructive('Remove all networks no container uses?', 'Remove Unused Networks'))) return;
  const docker = await context.engine.client();
  const result = await docker.pruneNetworks();
  context.views.refresh('networks');
  const count = result.NetworksDeleted?.length ?? 0;
  void vscode.window.showInformationMessage(
    count === 0 ? 'There were no unused networks.' : `Removed ${count} network${count === 1 ? '' : 's'}.`,
  );
}
