// berth.images.tag: Tag… — adds a tag (repository[:tag]) to an image.
import * as vscode from 'vscode';

import type { EngineNode } from '../../tree/nodes';
import type { CommandContext } from '../context';
import { imageTargets } from '../targets';
import { validateReference } from './reference';
import { splitReference } from './reference';

export async function tagImage(
  context: CommandContext,
  node?: EngineNode,
  nodes?: readonly EngineNode[],
): Promise<void> {
  const [image] = await imageTargets(context, node, nodes, {
    accept: () => true,
    placeHolder: 'Image to tag',
    none: 'There are no images to tag.',
    canPickMany: false,
  });
  if (!image) return;
  const newRef = await vscode.window.showInputBox({
    title: `Tag ${image.label}`,
    prompt: 'New tag, e.g. registry.example.com:5000/team/app:v1',
    value: image.dangling ? '' : image.ref,
    validateInput: validateReference,
  });
  if (!newRef) return;
  const docker = await context.engine.client();
  const { repository, tag } = splitReference(newRef.trim());
  await docker.getImage(image.info.Id).tag({ repo: repository, tag });
  await context.views.reveal('images', (n) => n.kind === 'image' && n.ref === `${repository}:${tag}`);
}
