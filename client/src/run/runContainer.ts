// Creating and starting the container the wizard described: in the background (then selected in the
// Containers view) or attached to a terminal on its TTY.
import * as vscode from 'vscode';

import type { CommandContext } from '../commands/context';
import { attachAndStartSession } from '../terminals/engineSessions';
import { SessionTerminal } from '../terminals/sessionTerminal';
import { containerName, type ContainerNode } from '../tree/nodes';
import { createRequest, type RunRequest } from './runWizard';

export async function runContainer(context: CommandContext, request: RunRequest): Promise<string> {
  const options = createRequest(request);
  const docker = await context.engine.client();
  await context.runChoices.set(request.image, request.choices);
  const container = await docker.createContainer(options);
  if (request.choices.interactive) {
    const name = request.choices.name || request.image;
    const pty = new SessionTerminal(() => attachAndStartSession(docker, container.id), {
      convertNewlines: false,
      closeWhenDone: false,
    });
    vscode.window
      .createTerminal({ name: `Run: ${name}`, pty, iconPath: new vscode.ThemeIcon('vm-running') })
      .show();
    return container.id;
  }
  await container.start();
  const node = (await context.views.reveal(
    'containers',
    (n) => n.kind === 'container' && n.info.Id === container.id,
  )) as ContainerNode | undefined;
  const name =
    node?.name ??
    containerName(
      (await docker.listContainers({ all: true, filters: { id: [container.id] } }))[0] ?? {
        Id: container.id,
        Names: [],
      },
    );
  const actions = ['View Logs', 'Attach Shell'];
  void vscode.window
    .showInformationMessage(`Container ${name} is running (${request.image}).`, ...actions)
    .then((choice) => {
      if (!choice || !node) return;
      void vscode.commands.executeCommand(
        choice === 'View Logs' ? 'berth.containers.logs' : 'berth.containers.attachShell',
        node,
      );
    });
  return container.id;
}
