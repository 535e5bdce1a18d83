// berth.containers.remove: Remove… — asks first; running containers are stopped and removed (rm -f).
import { confirmDestructive } from '../confirm';

import type { EngineNode } from '../../tree/nodes';
import type { CommandContext } from '../context';
import { listNames } from '../listNames';
import { containerTargets } from '../targets';
import { forEachContainer } from './lifecycle';

export async function removeContainers(
  context: CommandContext,
  node?: EngineNode,
  nodes?: readonly EngineNode[],
): Promise<void> {
  const containers = await containerTargets(context, node, nodes, {
    accept: () => true,
    placeHolder: 'Containers to remove',
    none: 'There are no containers to remove.',
    canPickMany: true,
  });
  if (containers.length === 0) return;
  const running = containers.filter(
    (c) => c.state === 'running' || c.state === 'paused' || c.state === 'restarting',
  );
  const detail =
    running.length > 0
      ? `${listNames(running.map((c) => c.name))} ${running.length === 1 ? 'is' : 'are'} running and will be stopped first.`
      : undefined;
  if (
    !(await confirmDestructive(
      `Remove ${containers.length === 1 ? 'container' : `${containers.length} containers`} ${listNames(containers.map((c) => c.name))}?`,
      'Remove',
      detail,
    ))
  )
    return;
  await forEachContainer(context, containers, 'remove', (c) => c.remove({ force: true }));
}
