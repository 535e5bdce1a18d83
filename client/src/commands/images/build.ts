// berth.images.build: Build Image… — from the Dockerfile editor, the explorer, the palette, or the
// code lens above a FROM (whole file, or up to one stage). Live output in a terminal, errors as
// diagnostics at their line, and the new image selected in the Images view.
import * as vscode from 'vscode';

import { contextDirFor, defaultTag, withTag } from '../../build/buildRequest';
import { BuildFailedError, runBuild } from '../../build/runBuild';
import { OutputTerminal } from '../../terminals/outputTerminal';
import type { CommandContext } from '../context';
import { validateReference } from './reference';

/** What the "Build stage" and "Run" code lenses pass. */
export interface BuildLensArguments {
  readonly dockerfile: vscode.Uri;
  readonly target?: string;
}

const DOCKERFILE_GLOB =
  '**/{Dockerfile,Containerfile,Dockerfile.*,Containerfile.*,*.Dockerfile,*.dockerfile,*.containerfile}';

async function chooseDockerfile(): Promise<vscode.Uri | undefined> {
  const active = vscode.window.activeTextEditor?.document;
  if (active?.languageId === 'dockerfile' && active.uri.scheme === 'file') return active.uri;
  const found = await vscode.workspace.findFiles(DOCKERFILE_GLOB, '**/node_modules/**', 200);
  if (found.length === 1) return found[0];
  if (found.length === 0) {
    void vscode.window.showInformationMessage(
      'There is no Dockerfile in this workspace to build. Open one, or create a file named Dockerfile.',
    );
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    found.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
    { placeHolder: 'Dockerfile to build' },
  );
  return picked?.uri;
}

function lastTagKey(dockerfile: vscode.Uri, target: string | undefined): string {
  return `berth.build.lastTag:${dockerfile.fsPath}:${target ?? ''}`;
}

/**
 * Builds and resolves with the image's tag, or undefined when the user cancelled. `arg` is the
 * explorer/editor URI or the code lens arguments.
 */
export async function buildImage(
  context: CommandContext,
  arg?: vscode.Uri | BuildLensArguments,
): Promise<string | undefined> {
  const dockerfile = arg instanceof vscode.Uri ? arg : (arg?.dockerfile ?? (await chooseDockerfile()));
  if (!dockerfile) return undefined;
  const target = arg instanceof vscode.Uri ? undefined : arg?.target;
  const folder = vscode.workspace.getWorkspaceFolder(dockerfile)?.uri.fsPath;
  // The engine reads the file from disk: build what the user sees.
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === dockerfile.toString());
  if (open?.isDirty) await open.save();

  const remembered = context.extension.workspaceState.get<string>(lastTagKey(dockerfile, target));
  const typed = await vscode.window.showInputBox({
    title: target
      ? `Build stage ${target} of ${vscode.workspace.asRelativePath(dockerfile)}`
      : `Build ${vscode.workspace.asRelativePath(dockerfile)}`,
    prompt: 'Tag for the image',
    value: remembered ?? defaultTag(dockerfile.fsPath, folder, target),
    validateInput: validateReference,
  });
  if (!typed) return undefined;
  const tag = withTag(typed.trim());
  await context.extension.workspaceState.update(lastTagKey(dockerfile, target), tag);

  const docker = await context.engine.client();
  const config = vscode.workspace.getConfiguration('berth.build', dockerfile);
  const request = {
    dockerfile: dockerfile.fsPath,
    contextDir: contextDirFor(dockerfile.fsPath, config.get<string>('context', ''), folder),
    tag,
    target,
    pull: config.get<boolean>('pull', false),
  };
  context.buildDiagnostics.clear(dockerfile);
  const output = new OutputTerminal();
  const terminal = vscode.window.createTerminal({
    name: `Build: ${tag}`,
    pty: output,
    iconPath: new vscode.ThemeIcon('tools'),
  });
  terminal.show(true);
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Building ${tag}`, cancellable: true },
      async (_progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        output.signal.addEventListener('abort', () => abort.abort());
        await runBuild(docker, request, (text) => output.write(text), abort.signal);
      },
    );
  } catch (err) {
    if (err instanceof BuildFailedError) {
      const document = await vscode.workspace.openTextDocument(dockerfile);
      if (err.line !== undefined) context.buildDiagnostics.report(document, err.line, err.message);
      const where = err.line !== undefined ? ` at line ${err.line + 1}` : '';
      void vscode.window
        .showErrorMessage(`The build of ${tag} failed${where}: ${err.message}`, 'Show Output')
        .then((choice) => {
          if (choice) terminal.show();
        });
      return undefined;
    }
    throw err;
  }
  await context.views.reveal('images', (n) => n.kind === 'image' && n.ref === tag);
  return tag;
}
