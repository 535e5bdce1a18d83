// berth.networks.remove: Remove… — user-created networks only (bridge, host and none are built in).
import * as vscode from 'vscode';

import { confirmDestructive } from '../confirm';

import type { EngineNode } from '../../tree/nodes';
import type { CommandContext } from '../context';
import { engineMessage } from '../errors';
import { listNames } from '../listNames';
import { networkTargets } from '../targets';

export async function removeNetworks(
  context: CommandContext,
  node?: EngineNode,
  nodes?: readonly EngineNode[],
): Promise<void> {
  const networks = await networkTargets(context, node, nodes, {
    accept: (n) => n.contextValue === 'customNetwork',
    placeHolder: 'Networks to remove',
    none: 'There are no user-created networks to remove.',
    canPickMany: true,
  });
  if (networks.length === 0) return;
  if (
    !(await confirmDestructive(
      `Remove ${networks.length === 1 ? 'network' : `${networks.length} networks`} ${listNames(networks.map((n) => n.name))}?`,
      'Remove',
    ))
  )
    return;
  const docker = await context.engine.client();
  const failures: string[] = [];
  await Promise.all(
    networks.map((n) =>
      docker
        .getNetwork(n.info.Id)
        .remove()
        .catch((err: unknown) => failures.push(`${n.name}: ${engineMessage(err)}`)),
    ),
  );
  context.views.refresh('networks');
  if (failures.length > 0) void vscode.window.showErrorMessage(`Could not remove ${failures.join('; ')}`);
}
