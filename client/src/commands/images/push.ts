// berth.images.push: Push — pushes a tag to its registry (the registry is part of the tag: retag with
// Tag… first to push elsewhere).
import type { EngineNode } from '../../tree/nodes';
import type { CommandContext } from '../context';
import { imageTargets } from '../targets';
import { pushImage } from './transfer';

export async function pushImages(
  context: CommandContext,
  node?: EngineNode,
  nodes?: readonly EngineNode[],
): Promise<void> {
  const images = await imageTargets(context, node, nodes, {
    accept: (i) => !i.dangling,
    placeHolder: 'Image to push',
    none: 'There are no tagged images to push. Tag an image with its registry first (Tag…).',
    canPickMany: true,
  });
  for (const image of images) await pushImage(context, image.ref);
}
