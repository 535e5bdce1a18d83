// berth.containers.logs: View Logs — follows the container's output in a terminal (docker logs -f).
import * as vscode from 'vscode';

import { logsSession } from '../../terminals/engineSessions';
import { SessionTerminal } from '../../terminals/sessionTerminal';
import type { EngineNode } from '../../tree/nodes';
import type { CommandContext } from '../context';
import { containerTargets } from '../targets';

export async function viewContainerLogs(
  context: CommandContext,
  node?: EngineNode,
  nodes?: readonly EngineNode[],
): Promise<void> {
  const containers = await containerTargets(context, node, nodes, {
    accept: () => true,
    placeHolder: 'Container whose logs to follow',
    none: 'There are no containers to show logs of.',
    canPickMany: false,
  });
  const tail = vscode.workspace.getConfiguration('berth.logs').get<number>('tail', 1000);
  for (const container of containers) {
    const docker = await context.engine.client();
    const pty = new SessionTerminal(() => logsSession(docker, container.info.Id, tail), {
      convertNewlines: true,
      closeWhenDone: false,
    });
    const terminal = vscode.window.createTerminal({
      name: `Logs: ${container.name}`,
      pty,
      iconPath: new vscode.ThemeIcon('output'),
      isTransient: true,
    });
    terminal.show();
  }
}
