// berth.images.run: Run Container… — the guided run from the palette, or for the image clicked.
import type { EngineNode } from '../../tree/nodes';
import { runContainer } from '../../run/runContainer';
import { runWizard } from '../../run/runWizard';
import type { CommandContext } from '../context';

export async function runImage(context: CommandContext, node?: EngineNode): Promise<string | undefined> {
  const image = node?.kind === 'image' ? node.ref : undefined;
  const request = await runWizard(context, { image });
  return request ? runContainer(context, request) : undefined;
}
