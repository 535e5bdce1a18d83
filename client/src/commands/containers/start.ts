// berth.containers.start: Start — from the tree (one or a multi-selection, or a compose group) or the palette.
import type { EngineNode } from '../../tree/nodes';
import type { CommandContext } from '../context';
import { containerTargets, inStates } from '../targets';
import { forEachContainer } from './lifecycle';

export async function startContainers(
  context: CommandContext,
  node?: EngineNode,
  nodes?: readonly EngineNode[],
): Promise<void> {
  const containers = await containerTargets(context, node, nodes, {
    accept: inStates('created', 'exited', 'dead'),
    placeHolder: 'Containers to start',
    none: 'No stopped containers to start.',
    canPickMany: true,
  });
  await forEachContainer(context, containers, 'start', (c) => c.start());
}
