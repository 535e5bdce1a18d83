// The engine connection and the commands around a container: Inspect, Run Interactive, Stop and
// Start Engine, and getting the engine back when it restarts behind the extension's back.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';

import { pingSocket } from '../../../../client/src/engine/socketWait';
import { keyboard, screenshot, waitForEvent, waitUntil, workbenchText } from '../helpers';
import { QUICK_INPUT, session, shot, waitForNoRow, waitForRow, waitForTerminalText } from './session';
import { skipBecause } from '../../../helpers/skip';

/** Answers a quick input step: select what it holds, then type `text` (or leave it empty) and Enter. */
async function answer(hasText: string, text: string | undefined): Promise<void> {
  if (text === undefined) return keyboard({ waitFor: QUICK_INPUT, hasText, press: ['Enter'] });
  await keyboard({ waitFor: QUICK_INPUT, hasText, press: ['Control+a', 'Backspace'] });
  await keyboard({ type: text, press: ['Enter'] });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
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
      return skipBecause(
        this,
        `${session.engine.kind} cannot attach a terminal yet: ${session.engine.cannotAttach}`,
      );
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

  it('Stop Engine stops berthd for good (views reloading, settings changing); its containers keep running', async function () {
    if (session.engine.kind !== 'berthd') {
      return skipBecause(this, `Berth starts and stops only its bundled engine, not ${session.engine.kind}`);
    }
    const name = `berth-e2e-keeps-${session.suffix}`;
    const docker = session.engine.docker;
    const container = await docker.createContainer({
      Image: session.engine.image,
      name,
      Cmd: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'],
    });
    await container.start();
    try {
      await waitForRow('containers', name, (i) => i.contextValue === 'runningContainer');
      const pid = (await container.inspect()).State.Pid;
      await vscode.commands.executeCommand('berth.engine.stop');
      assert.notEqual(session.api.engineState().kind, 'connected');
      assert.equal(
        await pingSocket(session.engine.socketPath),
        false,
        'berthd still answers after Stop Engine',
      );
      // Neither a view reloading nor a settings change may start it again behind the user's back.
      const reloaded = waitForEvent(
        session.api.onDidLoadView,
        (v) => v === 'containers',
        20_000,
        () => 'the Containers view to reload after a settings change',
      );
      await vscode.workspace
        .getConfiguration('berth.engine')
        .update('autoStart', true, vscode.ConfigurationTarget.Global);
      await reloaded;
      await vscode.commands.executeCommand('berth.containers.refresh');
      await waitForEvent(
        session.api.onDidLoadView,
        (v) => v === 'containers',
        20_000,
        () => 'the Containers view to refresh',
      );
      assert.equal(await pingSocket(session.engine.socketPath), false, 'something started berthd again');
      assert.ok(isAlive(pid), `the container's process ${pid} died with the engine`);

      await vscode.commands.executeCommand('berth.engine.start');
      await waitForRow('containers', name, (i) => i.contextValue === 'runningContainer');
      assert.equal(
        (await container.inspect()).State.Pid,
        pid,
        'the container is not the one that kept running',
      );
    } finally {
      await vscode.workspace
        .getConfiguration('berth.engine')
        .update('autoStart', undefined, vscode.ConfigurationTarget.Global);
      await container.remove({ force: true });
    }
  });

  it('Connect to a Socket… (a typed path) moves the views to the engine on that socket', async () => {
    const name = `berth-e2e-elsewhere-${session.suffix}`;
    const container = await session.engine.docker.createContainer({
      Image: session.engine.image,
      name,
      Cmd: ['true'],
    });
    const settings = () => vscode.workspace.getConfiguration('berth.engine');
    const before = settings().inspect<string>('socket')?.globalValue;
    try {
      await waitForRow('containers', name);
      // First somewhere nothing answers, so the views empty, then back through the picker.
      const nowhere = path.join(tmpdir(), `berth-e2e-nowhere-${session.suffix}.sock`);
      await settings().update('socket', nowhere, vscode.ConfigurationTarget.Global);
      await waitForNoRow('containers', name);
      const connected = vscode.commands.executeCommand('berth.engine.connect');
      await keyboard({
        waitFor: QUICK_INPUT,
        hasText: 'Connect Berth to a container engine',
        type: 'Other socket',
        press: ['Enter'],
      });
      await answer('Docker Engine API socket', session.engine.socketPath);
      await connected;
      assert.equal(settings().get('socket'), session.engine.socketPath);
      await waitForRow('containers', name);
      assert.equal(session.api.engineState().kind, 'connected');
    } finally {
      await settings().update('socket', before, vscode.ConfigurationTarget.Global);
      await waitUntil(() => session.api.engineState().kind === 'connected', {
        event: session.api.onDidChangeEngineState,
        what: () =>
          `the extension back on the engine under test: ${JSON.stringify(session.api.engineState())}`,
      });
      await container.remove({ force: true });
    }
  });

  it('Show Engine Logs opens the bundled engine’s log', async function () {
    if (session.engine.kind !== 'berthd') {
      return skipBecause(
        this,
        `${session.engine.kind} keeps its own logs; Berth opens only its bundled engine's`,
      );
    }
    await vscode.commands.executeCommand('berth.engine.showLogs');
    const document = vscode.window.activeTextEditor?.document;
    assert.equal(path.basename(document?.uri.fsPath ?? ''), 'berthd.log');
    assert.match(document!.getText(), /berthd is ready/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
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
