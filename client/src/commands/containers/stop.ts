// berth.containers.stop: Stop — from the tree (one or a multi-selection, or a compose group) or the palette.
import type { EngineNode } from '../../tree/nodes';
import type { CommandContext } from '../context';
import { containerTargets, inStates } from '../targets';
import { forEachContainer } from './lifecycle';

export async function stopContainers(
  context: CommandContext,
  node?: EngineNode,
  nodes?: readonly EngineNode[],
): Promise<void> {
  const containers = await containerTargets(context, node, nodes, {
    accept: inStates('running', 'paused', 'restarting'),
    placeHolder: 'Containers to stop',
    none: 'No running containers to stop.',
    canPickMany: true,
  });
  await forEachContainer(context, containers, 'stop', (c) => c.stop());
}
