// berth.images.remove: Remove… — untags the chosen tags (deleting an image with its last tag), after
// asking; offers to force it when stopped containers still use the image.
import * as vscode from 'vscode';

import { confirmDestructive } from '../confirm';

import type { EngineNode } from '../../tree/nodes';
import type { CommandContext } from '../context';
import { engineMessage, engineStatus } from '../errors';
import { listNames } from '../listNames';
import { imageTargets } from '../targets';

export async function removeImages(
  context: CommandContext,
  node?: EngineNode,
  nodes?: readonly EngineNode[],
): Promise<void> {
  const images = await imageTargets(context, node, nodes, {
    accept: () => true,
    placeHolder: 'Images to remove',
    none: 'There are no images to remove.',
    canPickMany: true,
  });
  if (images.length === 0) return;
  if (
    !(await confirmDestructive(
      `Remove ${images.length === 1 ? 'image' : `${images.length} images`} ${listNames(images.map((i) => i.label))}?`,
      'Remove',
      'An image is deleted when its last tag is removed.',
    ))
  )
    return;
  const docker = await context.engine.client();
  const inUse: string[] = [];
  const failures: string[] = [];
  for (const image of images) {
    try {
      await docker.getImage(image.ref).remove();
    } catch (err) {
      if (engineStatus(err) === 409) inUse.push(image.ref);
      else failures.push(`${image.label}: ${engineMessage(err)}`);
    }
  }
  if (inUse.length > 0) {
    const message = `${listNames(inUse)} ${inUse.length === 1 ? 'is' : 'are'} used by containers. Remove anyway? The containers keep running from their copy.`;
    if (await confirmDestructive(message, 'Force Remove')) {
      for (const ref of inUse) {
        await docker
          .getImage(ref)
          .remove({ force: true })
          .catch((err: unknown) => failures.push(`${ref}: ${engineMessage(err)}`));
      }
    }
  }
  context.views.refresh('images');
  if (failures.length > 0) void vscode.window.showErrorMessage(`Could not remove ${failures.join('; ')}`);
}
