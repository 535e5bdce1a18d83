// berth.images.inspect: Inspect — the image's JSON (config, layers, history) in a read-only editor.
import type { EngineNode } from '../../tree/nodes';
import type { CommandContext } from '../context';
import { imageTargets } from '../targets';

export async function inspectImage(
  context: CommandContext,
  node?: EngineNode,
  nodes?: readonly EngineNode[],
): Promise<void> {
  const images = await imageTargets(context, node, nodes, {
    accept: () => true,
    placeHolder: 'Image to inspect',
    none: 'There are no images to inspect.',
    canPickMany: false,
  });
  for (const i of images) await context.inspect.open('image', i.dangling ? i.info.Id : i.ref, i.label);
}
