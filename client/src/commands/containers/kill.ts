// berth.containers.kill: Kill — from the tree (one or a multi-selection, or a compose group) or the palette.
import type { EngineNode } from '../../tree/nodes';
import type { CommandContext } from '../context';
import { containerTargets, inStates } from '../targets';
import { forEachContainer } from './lifecycle';

export async function killContainers(
  context: CommandContext,
  node?: EngineNode,
  nodes?: readonly EngineNode[],
): Promise<void> {
  const containers = await containerTargets(context, node, nodes, {
    accept: inStates('running', 'paused', 'restarting'),
    placeHolder: 'Containers to kill (SIGKILL)',
    none: 'No running containers to kill.',
    canPickMany: true,
  });
  await forEachContainer(context, containers, 'kill', (c) => c.kill());
}
