// berth.networks.create: Create Network… — a user-defined bridge network.
import * as vscode from 'vscode';

import type { CommandContext } from '../context';

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export async function createNetwork(context: CommandContext): Promise<void> {
  const name = await vscode.window.showInputBox({
    title: 'Create Network',
    prompt: 'Network name (a bridge network)',
    validateInput: (v) =>
      NAME.test(v.trim())
        ? undefined
        : 'Use letters, digits, "_", "." and "-", starting with a letter or digit',
  });
  if (!name) return;
  const docker = await context.engine.client();
  await docker.createNetwork({ Name: name.trim(), Driver: 'bridge', CheckDuplicate: true });
  await context.views.reveal('networks', (n) => n.kind === 'network' && n.name === name.trim());
}
