// berth.images.runInteractive: Run Interactive… — the guided run with a terminal on the container's TTY.
import type { EngineNode } from '../../tree/nodes';
import { runContainer } from '../../run/runContainer';
import { runWizard } from '../../run/runWizard';
import type { CommandContext } from '../context';

export async function runImageInteractive(
  context: CommandContext,
  node?: EngineNode,
): Promise<string | undefined> {
  const image = node?.kind === 'image' ? node.ref : undefined;
  const request = await runWizard(context, { image, interactive: true });
  return request ? runContainer(context, request) : undefined;
}
