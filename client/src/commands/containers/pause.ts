// berth.containers.pause: Pause — from the tree (one or a multi-selection, or a compose group) or the palette.
import type { EngineNode } from '../../tree/nodes';
import type { CommandContext } from '../context';
import { containerTargets, inStates } from '../targets';
import { forEachContainer } from './lifecycle';

export async function pauseContainers(
  context: CommandContext,
  node?: EngineNode,
  nodes?: readonly EngineNode[],
): Promise<void> {
  const containers = await containerTargets(context, node, nodes, {
    accept: inStates('running'),
    placeHolder: 'Containers to pause',
    none: 'No running containers to pause.',
    canPickMany: true,
  });
  await forEachContainer(context, containers, 'pause', (c) => c.pause());
}
