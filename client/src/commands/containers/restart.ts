// berth.containers.restart: Restart — from the tree (one or a multi-selection, or a compose group) or the palette.
import type { EngineNode } from '../../tree/nodes';
import type { CommandContext } from '../context';
import { containerTargets, inStates } from '../targets';
import { forEachContainer } from './lifecycle';

export async function restartContainers(
  context: CommandContext,
  node?: EngineNode,
  nodes?: readonly EngineNode[],
): Promise<void> {
  const containers = await containerTargets(context, node, nodes, {
    accept: inStates('running', 'paused', 'exited', 'created', 'dead'),
    placeHolder: 'Containers to restart',
    none: 'No containers to restart.',
    canPickMany: true,
  });
  await forEachContainer(context, containers, 'restart', (c) => c.restart());
}
