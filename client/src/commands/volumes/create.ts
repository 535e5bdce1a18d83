// berth.volumes.create: Create Volume… — a named local volume.
import * as vscode from 'vscode';

import type { CommandContext } from '../context';

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export async function createVolume(context: CommandContext): Promise<void> {
  const name = await vscode.window.showInputBox({
    title: 'Create Volume',
    prompt: 'Volume name',
    validateInput: (v) =>
      NAME.test(v.trim())
        ? undefined
        : 'Use letters, digits, "_", "." and "-", starting with a letter or digit (two characters at least)',
  });
  if (!name) return;
  const docker = await context.engine.client();
  await docker.createVolume({ Name: name.trim() });
  await context.views.reveal('volumes', (n) => n.kind === 'volume' && n.name === name.trim());
}
