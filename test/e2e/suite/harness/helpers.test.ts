// The helpers other e2e tests rely on, checked against VS Code itself (a diagnostic collection this
// test owns, the editor's own suggest widget), so a broken helper fails here and not in a feature test.
// The diagnostics tests use plain-text files, which Berth's language server leaves alone.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';

import {
  nextDiagnostics,
  openDockerfile,
  openFixture,
  screenshot,
  waitForDiagnostics,
  workspaceFile,
} from '../helpers';

async function openTextFile(relative: string, content: string): Promise<vscode.TextEditor> {
  await vscode.workspace.fs.writeFile(workspaceFile(relative), new TextEncoder().encode(content));
  return openFixture(relative);
}

describe('e2e helpers', () => {
  const collection = vscode.languages.createDiagnosticCollection('berth-e2e-helpers');
  after(() => collection.dispose());

  it('waitForDiagnostics resolves when the diagnostics VS Code holds match, and times out naming them', async () => {
    const editor = await openTextFile('scratch/helpers/notes.txt', 'first line\n');
    const uri = editor.document.uri;
    const seen = waitForDiagnostics(uri, (d) => d.some((x) => x.message === 'second'));
    collection.set(uri, [new vscode.Diagnostic(new vscode.Range(0, 0, 0, 4), 'first')]);
    collection.set(uri, [new vscode.Diagnostic(new vscode.Range(0, 0, 0, 4), 'second')]);
    assert.deepEqual(
      (await seen).map((d) => d.message),
      ['second'],
    );
    await assert.rejects(
      waitForDiagnostics(uri, (d) => d.length > 5, 200),
      /timed out after 200 ms waiting for diagnostics .* last seen: 1:1 second/,
    );
  });

  it('nextDiagnostics resolves on the next publication, even an empty one', async () => {
    const editor = await openTextFile('scratch/helpers/empty.txt', 'first line\n');
    const uri = editor.document.uri;
    const diagnostics = await nextDiagnostics(uri, async () => collection.set(uri, []));
    assert.deepEqual(diagnostics, []);
  });

  it('screenshot waits for a selector and writes the PNG', async () => {
    const editor = await openDockerfile('FROM busybox\nRUN echo hello\nRUN ec', 'helpers-suggest/Dockerfile');
    editor.selection = new vscode.Selection(2, 6, 2, 6);
    await vscode.commands.executeCommand('editor.action.triggerSuggest');
    const file = await screenshot('harness-suggest-widget', { waitForSelector: '.suggest-widget.visible' });
    assert.ok(existsSync(file), `${file} was not written`);
    await vscode.commands.executeCommand('hideSuggestWidget');
    await assert.rejects(screenshot('../escape'), /bad screenshot name/);
  });
});
