// berth.volumes.inspect: Inspect — the volume's JSON in a read-only editor.
import type { EngineNode } from '../../tree/nodes';
import type { CommandContext } from '../context';
import { volumeTargets } from '../targets';

export async function inspectVolume(
  context: CommandContext,
  node?: EngineNode,
  nodes?: readonly EngineNode[],
): Promise<void> {
  const volumes = await volumeTargets(context, node, nodes, {
    accept: () => true,
    placeHolder: 'Volume to inspect',
    none: 'There are no volumes to inspect.',
    canPickMany: false,
  });
  for (const v of volumes) await context.inspect.open('volume', v.name, v.label);
}
