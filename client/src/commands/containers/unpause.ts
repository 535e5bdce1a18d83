// berth.containers.unpause: Unpause — from the tree (one or a multi-selection, or a compose group) or the palette.
import type { EngineNode } from '../../tree/nodes';
import type { CommandContext } from '../context';
import { containerTargets, inStates } from '../targets';
import { forEachContainer } from './lifecycle';

export async function unpauseContainers(
  context: CommandContext,
  node?: EngineNode,
  nodes?: readonly EngineNode[],
): Promise<void> {
  const containers = await containerTargets(context, node, nodes, {
    accept: inStates('paused'),
    placeHolder: 'Containers to unpause',
    none: 'No paused containers to unpause.',
    canPickMany: true,
  });
  await forEachContainer(context, containers, 'unpause', (c) => c.unpause());
}
