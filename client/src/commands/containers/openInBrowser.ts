// berth.containers.openInBrowser: Open in Browser — a published TCP port of a running container.
import * as vscode from 'vscode';

import type { EngineNode } from '../../tree/nodes';
import type { CommandContext } from '../context';
import { containerTargets } from '../targets';
import { browserUrls } from './browserUrls';

export async function openInBrowser(
  context: CommandContext,
  node?: EngineNode,
  nodes?: readonly EngineNode[],
): Promise<void> {
  const [container] = await containerTargets(context, node, nodes, {
    accept: (c) => c.state === 'running' && browserUrls(c.info.Ports ?? []).length > 0,
    placeHolder: 'Container to open in the browser',
    none: 'No running container publishes a TCP port. Run one with a port (for example 8080:80) first.',
    canPickMany: false,
  });
  if (!container) return;
  const urls = browserUrls(container.info.Ports ?? []);
  if (urls.length === 0) {
    void vscode.window.showInformationMessage(
      `${container.name} publishes no TCP port; run it with a published port (for example 8080:80) to open it in a browser.`,
    );
    return;
  }
  const choice =
    urls.length === 1
      ? urls[0]
      : await vscode.window.showQuickPick(
          urls.map((u) => ({ ...u, description: u.url })),
          { placeHolder: `Port of ${container.name} to open` },
        );
  if (choice) await vscode.env.openExternal(vscode.Uri.parse(choice.url));
}
