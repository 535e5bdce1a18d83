// berth.images.buildAndRun: the "Run" code lens above a FROM — build up to that stage, then the guided
// run of the image just built.
import type * as vscode from 'vscode';

import { runContainer } from '../../run/runContainer';
import { runWizard } from '../../run/runWizard';
import type { CommandContext } from '../context';
import { buildImage, type BuildLensArguments } from './build';

export async function buildAndRun(
  context: CommandContext,
  arg?: vscode.Uri | BuildLensArguments,
): Promise<string | undefined> {
  const tag = await buildImage(context, arg);
  if (!tag) return undefined;
  const request = await runWizard(context, { image: tag });
  return request ? runContainer(context, request) : undefined;
}
