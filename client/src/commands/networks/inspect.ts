// berth.networks.inspect: Inspect — the network's JSON in a read-only editor.
import type { EngineNode } from '../../tree/nodes';
import type { CommandContext } from '../context';
import { networkTargets } from '../targets';

export async function inspectNetwork(
  context: CommandContext,
  node?: EngineNode,
  nodes?: readonly EngineNode[],
): Promise<void> {
  const networks = await networkTargets(context, node, nodes, {
    accept: () => true,
    placeHolder: 'Network to inspect',
    none: 'There are no networks to inspect.',
    canPickMany: false,
  });
  for (const n of networks) await context.inspect.open('network', n.info.Id, n.name);
}
