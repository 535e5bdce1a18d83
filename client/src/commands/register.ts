// Every command id, what it does (for "Berth could not …" messages), and its registration. The
// implementations load with the first command run (commands/bundle.ts), keeping activation light.
// Each takes the shared context and the (node?, nodes?) VS Code passes from a tree, a multi-selection
// or (with nothing) the palette.
import * as vscode from 'vscode';

import { loadCommandsBundle } from '../lazy';
import type { CommandContext } from './context';
import { guarded } from './errors';
import { COMMANDS, VIEWS } from './ids';

export function registerCommands(context: CommandContext): vscode.Disposable[] {
  const disposables = Object.entries(COMMANDS).map(([id, what]) =>
    vscode.commands.registerCommand(
      id,
      guarded(what, (...args: unknown[]) => loadCommandsBundle().commands[id](context, ...args)),
    ),
  );
  for (const view of VIEWS) {
    const provider = () => context.views.providers[view];
    disposables.push(
      vscode.commands.registerCommand(
        `berth.${view}.refresh`,
        guarded(`refresh ${view}`, async () => {
          if (!context.engine.clientIfConnected()) await context.engine.connect();
          provider().refresh();
        }),
      ),
      vscode.commands.registerCommand(
        `berth.${view}.filter`,
        guarded(`filter ${view}`, async () => {
          const text = await vscode.window.showInputBox({
            title: `Filter ${view}`,
            prompt:
              view === 'containers'
                ? 'Show containers whose name, image or compose project contains…'
                : `Show ${view} whose name contains…`,
            value: provider().filter,
          });
          if (text !== undefined) provider().setFilter(text);
        }),
      ),
      vscode.commands.registerCommand(`berth.${view}.clearFilter`, () => provider().setFilter('')),
    );
  }
  return disposables;
}
