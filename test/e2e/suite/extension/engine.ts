// The engine connection and the commands around a container: Inspect, Run Interactive, and getting
// the engine back when it restarts behind the extension's back.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

import { keyboard, screenshot, waitUntil, workbenchText } from '../helpers';
import { QUICK_INPUT, session, shot, waitForNoRow, waitForRow, waitForTerminalText } from './session';

/** Answers a quick input step: select what it holds, then type `text` (or leave it empty) and Enter. */
async function answer(hasText: string, text: string | undefined): Promise<void> {
  if (text === undefined) return keyboard({ waitFor: QUICK_INPUT, hasText, press: ['Enter'] });
  await keyboard({ waitFor: QUICK_INPUT, hasText, press: ['Control+a', 'Backspace'] });
  await keyboard({ type: text, press: ['Enter'] });
}

export function engineTests(): void {
  it('inspects a container as a read-only JSON document', async () => {
    const name = `berth-e2e-inspect-${session.suffix}`;
    const container = await session.engine.docker.createContainer({
      Image: session.engine.image,
      name,
      Cmd: ['true'],
    });
    try {
      const row = await waitForRow('containers', name);
      await vscode.commands.executeCommand('berth.containers.inspect', row);
      const document = vscode.window.activeTextEditor?.document;
      assert.equal(document?.uri.scheme, 'berth-inspect');
      assert.equal(document?.languageId, 'json');
      const inspected = JSON.parse(document!.getText()) as { Id: string; Name: string };
      assert.equal(inspected.Id, container.id);
      assert.equal(inspected.Name, `/${name}`);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    } finally {
      await container.remove({ force: true });
    }
  });

  it('runs an image interactively: a terminal on the container’s own TTY', async function () {
    if (session.engine.cannotAttach) {
      console.log(
        `      skip: ${session.engine.kind} cannot attach a terminal yet: ${session.engine.cannotAttach}`,
      );
      return this.skip();
    }
    const name = `berth-e2e-tty-${session.suffix}`;
    const image = await waitForRow('images', session.engine.image);
    const ran = vscode.commands.executeCommand<string | undefined>('berth.images.runInteractive', image);
    await keyboard({ waitFor: QUICK_INPUT, hasText: `Run Interactive: ${session.engine.image}` });
    if ((await workbenchText(QUICK_INPUT)).join('\n').includes('Change options')) {
      await keyboard({ press: ['ArrowDown', 'Enter'] });
    }
    await answer('Container name', name);
    await answer('Published ports', '');
    await answer('Environment variables', '');
    await answer('Volumes and bind mounts', '');
    await answer('replaces the image', '');
    const id = await ran;
    assert.ok(id, 'Run Interactive made no container');
    try {
      await waitForRow('containers', name, (i) => i.contextValue === 'runningContainer');
      const terminal = vscode.window.activeTerminal!;
      terminal.sendText('echo interactive-$((40+2))');
      await waitForTerminalText('interactive-42');
      terminal.sendText('exit 4');
      await waitForTerminalText('[container exited with code 4]');
      terminal.dispose();
    } finally {
      await session.engine.docker.getContainer(id).remove({ force: true });
      await waitForNoRow('containers', name);
    }
  });

  it('reconnects by itself when the engine restarts, and shows the welcome view meanwhile', async () => {
    const name = `berth-e2e-survivor-${session.suffix}`;
    const container = await session.engine.docker.createContainer({
      Image: session.engine.image,
      name,
      Cmd: ['true'],
    });
    // The bundled engine would be started again as soon as a view reloads; this test is about
    // reconnecting to an engine that comes back by other means.
    const engineSettings = vscode.workspace.getConfiguration('berth.engine');
    await engineSettings.update('autoStart', false, vscode.ConfigurationTarget.Global);
    try {
      await waitForRow('containers', name);
      const restart = await session.engine.kill();
      await waitUntil(() => session.api.engineState().kind === 'unreachable', {
        event: session.api.onDidChangeEngineState,
        what: () =>
          `the extension to notice the engine stopped: ${JSON.stringify(session.api.engineState())}`,
      });
      await waitForNoRow('containers', name);
      await screenshot(shot('extension-welcome'), { waitForSelector: '.welcome-view-content' });
      await restart();
      // No command: the extension sees the socket come back and reconnects.
      await waitUntil(() => session.api.engineState().kind === 'connected', {
        event: session.api.onDidChangeEngineState,
        timeoutMs: 40_000,
        what: () => `the extension to reconnect: ${JSON.stringify(session.api.engineState())}`,
      });
      await waitForRow('containers', name);
    } finally {
      await engineSettings.update('autoStart', undefined, vscode.ConfigurationTarget.Global);
      await container.remove({ force: true });
    }
  });
}
