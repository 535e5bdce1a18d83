// berth.containers.inspect: Inspect — the engine's full JSON for the container, in a read-only editor.
import type { EngineNode } from '../../tree/nodes';
import type { CommandContext } from '../context';
import { containerTargets } from '../targets';

export async function inspectContainer(
  context: CommandContext,
  node?: EngineNode,
  nodes?: readonly EngineNode[],
): Promise<void> {
  const containers = await containerTargets(context, node, nodes, {
    accept: () => true,
    placeHolder: 'Container to inspect',
    none: 'There are no containers to inspect.',
    canPickMany: false,
  });
  for (const c of containers) await context.inspect.open('container', c.info.Id, c.name);
}
