// berth.containers.copyId: Copy ID — the full container ID(s), one per line, to the clipboard.
import * as vscode from 'vscode';

import type { EngineNode } from '../../tree/nodes';
import type { CommandContext } from '../context';
import { containerTargets } from '../targets';

export async function copyContainerId(
  context: CommandContext,
  node?: EngineNode,
  nodes?: readonly EngineNode[],
): Promise<void> {
  const containers = await containerTargets(context, node, nodes, {
    accept: () => true,
    placeHolder: 'Container whose ID to copy',
    none: 'There are no containers.',
    canPickMany: true,
  });
  if (containers.length === 0) return;
  await vscode.env.clipboard.writeText(containers.map((c) => c.info.Id).join('\n'));
  vscode.window.setStatusBarMessage(
    `Copied the ID of ${containers.length === 1 ? containers[0].name : `${containers.length} containers`}`,
    3000,
  );
}
