// berth.images.pull: Pull — pulls the image's tag again from the tree, or a name typed in the palette.
import * as vscode from 'vscode';

import type { EngineNode } from '../../tree/nodes';
import type { CommandContext } from '../context';
import { imageTargets } from '../targets';
import { validateReference } from './reference';
import { pullImage } from './transfer';

export async function pullImages(
  context: CommandContext,
  node?: EngineNode,
  nodes?: readonly EngineNode[],
): Promise<void> {
  let refs: string[];
  if (node) {
    const images = await imageTargets(context, node, nodes, {
      accept: (i) => !i.dangling,
      placeHolder: '',
      none: 'Untagged images cannot be pulled.',
      canPickMany: true,
    });
    refs = images.map((i) => i.ref);
  } else {
    const typed = await vscode.window.showInputBox({
      title: 'Pull Image',
      prompt: 'Image to pull, e.g. busybox, alpine:3.20 or registry.example.com:5000/team/app:v1',
      validateInput: validateReference,
    });
    refs = typed ? [typed.trim()] : [];
  }
  for (const ref of refs) await pullImage(context, ref);
}
