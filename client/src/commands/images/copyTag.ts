// berth.images.copyTag: Copy Full Tag — repo:tag (or the ID of an untagged image) to the clipboard.
import * as vscode from 'vscode';

import type { EngineNode } from '../../tree/nodes';
import type { CommandContext } from '../context';
import { imageTargets } from '../targets';

export async function copyImageTag(
  context: CommandContext,
  node?: EngineNode,
  nodes?: readonly EngineNode[],
): Promise<void> {
  const images = await imageTargets(context, node, nodes, {
    accept: () => true,
    placeHolder: 'Image whose tag to copy',
    none: 'There are no images.',
    canPickMany: true,
  });
  if (images.length === 0) return;
  await vscode.env.clipboard.writeText(images.map((i) => i.ref).join('\n'));
  vscode.window.setStatusBarMessage(
    `Copied ${images.length === 1 ? images[0].ref : `${images.length} tags`}`,
    3000,
  );
}
