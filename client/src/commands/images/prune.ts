// berth.images.prune: Prune… — removes untagged images, or every image no container uses, after asking.
import * as vscode from 'vscode';

import { confirmDestructive } from '../confirm';

import { formatSize } from '../../tree/format';
import type { CommandContext } from '../context';

export async function pruneImages(context: CommandContext): Promise<void> {
  const choice = await vscode.window.showQuickPick(
    [
      { label: 'Untagged images', description: 'docker image prune', all: false },
      { label: 'All images not used by a container', description: 'docker image prune -a', all: true },
    ],
    { placeHolder: 'Which images to remove?' },
  );
  if (!choice) return;
  if (!(await confirmDestructive(`Remove ${choice.label.toLowerCase()}?`, 'Remove Images'))) return;
  const docker = await context.engine.client();
  const result = await vscode.window.withProgress(
    { location: { viewId: 'berth.images' }, title: 'Removing images' },
    () => docker.pruneImages(choice.all ? { filters: { dangling: ['false'] } } : {}),
  );
  context.views.refresh('images');
  const count = result.ImagesDeleted?.filter((d) => d.Deleted).length ?? 0;
  void vscode.window.showInformationMessage(
    count === 0
      ? 'There were no images to remove.'
      : `Removed ${count} image layer${count === 1 ? '' : 's'}, reclaiming ${formatSize(result.SpaceReclaimed ?? 0)}.`,
  );
}
