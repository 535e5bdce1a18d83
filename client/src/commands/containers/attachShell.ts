// berth.containers.attachShell: Attach Shell — a shell exec'd in the running container on a real PTY
// (docker exec -it), in a terminal that passes on its size.
import * as vscode from 'vscode';

import { execShellSession } from '../../terminals/engineSessions';
import { SessionTerminal } from '../../terminals/sessionTerminal';
import type { EngineNode } from '../../tree/nodes';
import type { CommandContext } from '../context';
import { containerTargets, inStates } from '../targets';

export async function attachShell(
  context: CommandContext,
  node?: EngineNode,
  nodes?: readonly EngineNode[],
): Promise<vscode.Terminal | undefined> {
  const [container] = await containerTargets(context, node, nodes, {
    accept: inStates('running'),
    placeHolder: 'Container to open a shell in',
    none: 'No running containers to open a shell in.',
    canPickMany: false,
  });
  if (!container) return undefined;
  const docker = await context.engine.client();
  const shell = vscode.workspace.getConfiguration('berth.shell').get<string>('command', '');
  const pty = new SessionTerminal(() => execShellSession(docker, container.info.Id, shell), {
    convertNewlines: false,
    closeWhenDone: true,
  });
  const terminal = vscode.window.createTerminal({
    name: `Shell: ${container.name}`,
    pty,
    iconPath: new vscode.ThemeIcon('terminal'),
    isTransient: true,
  });
  terminal.show();
  return terminal;
}
