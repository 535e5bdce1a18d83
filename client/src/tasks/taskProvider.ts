// Task types berth-build and berth-run: the same build and run as the commands, as tasks in
// tasks.json (with the berth-build problem matcher reading the error lines builds print). What a
// task does is in tasks/execute.ts, loaded with the commands bundle when a task runs.
import * as vscode from 'vscode';

import { defaultTag } from '../build/buildRequest';
import type { CommandContext } from '../commands/context';
import { loadCommandsBundle } from '../lazy';
import { OutputTerminal } from '../terminals/outputTerminal';
import type { BuildTaskDefinition, RunTaskDefinition } from './definitions';

const DOCKERFILES = '**/{Dockerfile,Containerfile}';

export class BerthTaskProvider implements vscode.TaskProvider {
  constructor(
    private readonly context: CommandContext,
    private readonly type: 'berth-build' | 'berth-run',
  ) {}

  async provideTasks(): Promise<vscode.Task[]> {
    if (this.type !== 'berth-build') return [];
    const dockerfiles = await vscode.workspace.findFiles(DOCKERFILES, '**/node_modules/**', 50);
    return dockerfiles.flatMap((uri) => {
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      if (!folder) return [];
      const definition: BuildTaskDefinition = {
        type: 'berth-build',
        dockerfile: vscode.workspace.asRelativePath(uri, false),
        tag: defaultTag(uri.fsPath, folder.uri.fsPath),
      };
      return [this.task(definition, folder, `build ${definition.dockerfile}`)];
    });
  }

  resolveTask(task: vscode.Task): vscode.Task | undefined {
    const scope = task.scope;
    const folder = typeof scope === 'object' ? scope : vscode.workspace.workspaceFolders?.[0];
    if (!folder) return undefined;
    return this.task(task.definition as BuildTaskDefinition | RunTaskDefinition, folder, task.name);
  }

  private task(
    definition: BuildTaskDefinition | RunTaskDefinition,
    folder: vscode.WorkspaceFolder,
    name: string,
  ): vscode.Task {
    const execution = new vscode.CustomExecution(async () => {
      const output = new OutputTerminal();
      void output
        .whenOpened()
        .then(async () =>
          output.exit(await loadCommandsBundle().executeTask(this.context, definition, folder, output)),
        );
      return output;
    });
    const task = new vscode.Task(
      definition,
      folder,
      name,
      'berth',
      execution,
      definition.type === 'berth-build' ? ['$berth-build'] : [],
    );
    if (definition.type === 'berth-build') task.group = vscode.TaskGroup.Build;
    return task;
  }
}
