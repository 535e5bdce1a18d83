// berth.volumes.prune: Prune… — deletes the volumes no container uses, after asking.
import * as vscode from 'vscode';

import { confirmDestructive } from '../confirm';

import { formatSize } from '../../tree/format';
import type { CommandContext } from '../context';

export async function pruneVolumes(context: CommandContext): Promise<void> {
  if (
    !(await confirmDestructive(
      'Remove all volumes not used by a container?',
      'Remove Unused Volumes',
      'The data in them is deleted for good.',
    ))
  )
    return;
  const docker = await context.engine.client();
  const result = await vscode.window.withProgress(
    { location: { viewId: 'berth.volumes' }, title: 'Removing unused volumes' },
    () => docker.pruneVolumes(),
  );
  // A prune reports no per-volume events, so refresh by hand.
  context.views.refresh('volumes');
  const count = result.VolumesDeleted?.length ?? 0;
  void vscode.window.showInformationMessage(
    count === 0
      ? 'There were no unused volumes.'
      : `Removed ${count} volume${count === 1 ? '' : 's'}, reclaiming ${formatSize(result.SpaceReclaimed ?? 0)}.`,
  );
}
