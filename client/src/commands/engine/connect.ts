// berth.engine.connect: Connect to a Socket… — picks the engine: bundled, a socket found on this
// machine (Docker, Podman), or a path typed in. Writes berth.engine.socket (user settings).
import { existsSync, statSync } from 'node:fs';
import * as vscode from 'vscode';

import { knownSockets } from '../../engine/target';
import type { CommandContext } from '../context';

function isSocket(path: string): boolean {
  try {
    return existsSync(path) && statSync(path).isSocket();
  } catch {
    return false;
  }
}

export async function connectToSocket(context: CommandContext): Promise<void> {
  const uid = process.getuid?.() ?? 0;
  const found = knownSockets(process.env, uid).filter(
    (s) => s.label.startsWith('Berth') || isSocket(s.socketPath),
  );
  const items: (vscode.QuickPickItem & { value?: string })[] = [
    ...found.map((s) => ({
      label: s.label,
      description: s.socketPath,
      value: s.label.startsWith('Berth') ? '' : s.socketPath,
    })),
    { label: 'Other socket…', description: 'type a path such as /run/user/1000/podman/podman.sock' },
  ];
  const current = vscode.workspace.getConfiguration('berth.engine').get<string>('socket', '');
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Connect Berth to a container engine',
    placeHolder: `Now: ${current || 'the bundled engine'}`,
  });
  if (!picked) return;
  let value = picked.value;
  if (value === undefined) {
    value = await vscode.window.showInputBox({
      title: 'Docker Engine API socket',
      prompt: 'Absolute path of a Unix socket (unix:// prefix optional)',
      value: current,
      validateInput: (v) => {
        const path = v.trim().replace(/^unix:\/\//, '');
        if (!path.startsWith('/')) return 'Type an absolute path, e.g. /var/run/docker.sock';
        return isSocket(path)
          ? undefined
          : `${path} is not a socket on this machine (is that engine running?)`;
      },
    });
    if (value === undefined) return;
  }
  await vscode.workspace
    .getConfiguration('berth.engine')
    .update('socket', value.trim(), vscode.ConfigurationTarget.Global);
  // The configuration listener in extension.ts reconnects.
  context.log.info(`berth.engine.socket set to ${value.trim() || '(bundled engine)'}`);
}
