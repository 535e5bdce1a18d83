// berth.engine.quickActions: what the status bar item offers when clicked.
import * as vscode from 'vscode';

import type { CommandContext } from '../context';

export async function engineQuickActions(context: CommandContext): Promise<void> {
  const state = context.engine.state;
  const bundled = context.engine.target().kind === 'bundled';
  const connected = state.kind === 'connected';
  const actions: (vscode.QuickPickItem & { command: string })[] = [];
  if (connected) {
    actions.push(
      { label: '$(play) Run Container…', command: 'berth.images.run' },
      { label: '$(tools) Build Image…', command: 'berth.images.build' },
      { label: '$(list-tree) Show Containers', command: 'berth.containers.focus' },
    );
  } else {
    actions.push({
      label: bundled ? '$(play) Start the bundled engine' : '$(refresh) Reconnect',
      command: 'berth.engine.start',
    });
  }
  if (bundled && connected)
    actions.push({ label: '$(debug-stop) Stop Engine', command: 'berth.engine.stop' });
  actions.push(
    { label: '$(output) Show Engine Logs', command: 'berth.engine.showLogs' },
    { label: '$(plug) Connect to a Socket…', command: 'berth.engine.connect' },
  );
  const title =
    state.kind === 'connected'
      ? `${state.info.name} ${state.info.version} on ${context.engine.target().socketPath}`
      : state.kind === 'unreachable'
        ? `Engine unreachable: ${state.reason}`
        : `Engine ${state.kind}…`;
  const picked = await vscode.window.showQuickPick(actions, { title });
  if (picked) await vscode.commands.executeCommand(picked.command);
}
