// berth.volumes.remove: Remove… — deletes volumes and their data, after asking.
import * as vscode from 'vscode';

import { confirmDestructive } from '../confirm';

import type { EngineNode } from '../../tree/nodes';
import type { CommandContext } from '../context';
import { engineMessage } from '../errors';
import { listNames } from '../listNames';
import { volumeTargets } from '../targets';

export async function removeVolumes(
  context: CommandContext,
  node?: EngineNode,
  nodes?: readonly EngineNode[],
): Promise<void> {
  const volumes = await volumeTargets(context, node, nodes, {
    accept: () => true,
    placeHolder: 'Volumes to remove',
    none: 'There are no volumes to remove.',
    canPickMany: true,
  });
  if (volumes.length === 0) return;
  if (
    !(await confirmDestructive(
      `Remove ${volumes.length === 1 ? 'volume' : `${volumes.length} volumes`} ${listNames(volumes.map((v) => v.label))}?`,
      'Remove',
      'The data in them is deleted for good.',
    ))
  )
    return;
  const docker = await context.engine.client();
  const failures: string[] = [];
  await Promise.all(
    volumes.map((v) =>
      docker
        .getVolume(v.name)
        .remove()
        .catch((err: unknown) => failures.push(`${v.label}: ${engineMessage(err)}`)),
    ),
  );
  context.views.refresh('volumes');
  if (failures.length > 0) void vscode.window.showErrorMessage(`Could not remove ${failures.join('; ')}`);
}
