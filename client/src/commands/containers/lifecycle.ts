// The common shape of Start, Stop, Restart, Kill, Pause, Unpause and Remove: the same engine call on
// each chosen container, in parallel, with progress in the Containers view and one message for all
// failures.
import type Docker from 'dockerode';
import * as vscode from 'vscode';

import type { ContainerNode } from '../../tree/nodes';
import type { CommandContext } from '../context';
import { engineMessage, engineStatus } from '../errors';

export async function forEachContainer(
  context: CommandContext,
  containers: readonly ContainerNode[],
  /** The verb for messages: "stop", "remove"… */
  verb: string,
  run: (container: Docker.Container) => Promise<unknown>,
): Promise<void> {
  if (containers.length === 0) return;
  const docker = await context.engine.client();
  const failures: string[] = [];
  await vscode.window.withProgress(
    { location: { viewId: 'berth.containers' }, title: `${verb} ${containers.length} container(s)` },
    () =>
      Promise.all(
        containers.map(async (node) => {
          try {
            await run(docker.getContainer(node.info.Id));
          } catch (err) {
            // 304: already in the asked state (stopping a stopped container); nothing went wrong.
            if (engineStatus(err) === 304) return;
            failures.push(`${node.name}: ${engineMessage(err)}`);
          }
        }),
      ),
  );
  context.views.refresh('containers');
  if (failures.length > 0) {
    void vscode.window.showErrorMessage(
      `Could not ${verb} ${failures.length === 1 ? 'container' : 'containers'} ${failures.join('; ')}`,
    );
  }
}
