// berth.containers.prune: Prune… — removes every stopped container, after asking.
import * as vscode from 'vscode';

import { confirmDestructive } from '../confirm';

import { formatSize } from '../../tree/format';
import type { CommandContext } from '../context';

export async function pruneContainers(context: CommandContext): Promise<void> {
  if (
    !(await confirmDestructive(
      'Remove all stopped containers?',
      'Remove Stopped Containers',
      'Their file system changes and logs are deleted. Running containers are kept.',
    ))
  )
    return;
  const docker = await context.engine.client();
  const result = await vscode.window.withProgress(
    { location: { viewId: 'berth.containers' }, title: 'Removing stopped containers' },
    () => docker.pruneContainers(),
  );
  context.views.refresh('containers');
  const count = result.ContainersDeleted?.length ?? 0;
  void vscode.window.showInformationMessage(
    count === 0
      ? 'There were no stopped containers to remove.'
      : `Removed ${count} stopped container${count === 1 ? '' : 's'}, reclaiming ${formatSize(result.SpaceReclaimed ?? 0)}.`,
  );
}
