// berth.images.showDangling / berth.images.hideDangling: whether untagged images are listed.
import type { CommandContext } from '../context';

export async function showDanglingImages(context: CommandContext): Promise<void> {
  context.views.providers.images.setShowDangling(true);
}

export async function hideDanglingImages(context: CommandContext): Promise<void> {
  context.views.providers.images.setShowDangling(false);
}
