// Containers on a real engine, driven as a user would: the palette and quick picks by keyboard,
// tree rows through their menu commands, terminals read from the screen.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

import { keyboard, screenshot, waitUntil, workbenchText } from '../helpers';
import {
  QUICK_INPUT,
  QUICK_ROW,
  session,
  shot,
  TERMINAL_ROWS,
  waitForNoRow,
  waitForRow,
  waitForTerminalText,
} from './session';

export function containerTests(): void {
  it('runs a container from the palette, shows it running, follows its logs, stops and removes it', async () => {
    const name = `berth-e2e-run-${session.suffix}`;
    await keyboard({ press: ['F1'] });
    await keyboard({ waitFor: QUICK_INPUT, type: 'Berth: Run Container' });
    await keyboard({ waitFor: QUICK_ROW, hasText: 'Run Container', press: ['Enter'] });
    await keyboard({ waitFor: QUICK_ROW, hasText: session.engine.image });
    await screenshot(shot('extension-run-quick-pick'), { waitForSelector: `${QUICK_ROW}` });
    await keyboard({ type: 'busybox', press: ['Enter'] });
    await keyboard({ waitFor: QUICK_INPUT, hasText: `Run Container: ${session.engine.image}` });
    const step = (await workbenchText(QUICK_INPUT)).join('\n');
    if (step.includes('Change options')) {
      // Busybox ran before in this session (on the other engine): its last choices come first.
      assert.match(
        step,
        /Run with the same options as last time.*name berth-e2e-/s,
        `no last choices: ${step}`,
      );
      await keyboard({ press: ['ArrowDown', 'Enter'] });
    }
    // Each input may hold the last choice already: select it, then type over it.
    const answer = (hasText: string, text?: string) =>
      keyboard({
        waitFor: QUICK_INPUT,
        hasText,
        press: text === undefined ? ['Enter'] : ['Control+a'],
      }).then(() => (text === undefined ? undefined : keyboard({ type: text, press: ['Enter'] })));
    await answer('Container name', name);
    await answer('Published ports');
    await answer('Environment variables', 'GREETING=hello-from-berth');
    await answer('Volumes and bind mounts');
    // As pid 1, sh ignores SIGTERM unless trapped; the trap lets Stop finish at once.
    await answer(
      'replaces the image',
      `sh -c 'trap "exit 0" TERM; echo "$GREETING"; while true; do sleep 1; done'`,
    );
    await keyboard({ waitFor: QUICK_ROW, hasText: 'Detached', press: ['Enter'] });

    const running = await waitForRow('containers', name, (i) => i.contextValue === 'runningContainer');
    // The engine agrees: the container runs, with the environment typed in the wizard.
    const info = await session.engine.docker.getContainer(name).inspect();
    assert.equal(info.State.Running, true);
    assert.ok(info.Config.Env.includes('GREETING=hello-from-berth'), `env: ${info.Config.Env.join(' ')}`);

    await vscode.commands.executeCommand('berth.containers.logs', running);
    await waitForTerminalText('hello-from-berth');

    await vscode.commands.executeCommand('berth.containers.stop', running);
    const exited = await waitForRow('containers', name, (i) => i.contextValue === 'exitedContainer');
    assert.equal((await session.engine.docker.getContainer(name).inspect()).State.Running, false);

    await vscode.commands.executeCommand('berth.containers.remove', exited);
    await waitForNoRow('containers', name);
    await assert.rejects(session.engine.docker.getContainer(name).inspect(), /no such container/i);
  });

  it('groups a compose project’s containers under the project (screenshot: extension-sidebar)', async () => {
    const project = `berth-e2e-shop-${session.suffix}`;
    const labels = (service: string) => ({
      'com.docker.compose.project': project,
      'com.docker.compose.service': service,
    });
    const web = await session.engine.docker.createContainer({
      Image: session.engine.image,
      name: `${project}-web-1`,
      Cmd: ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'],
      Labels: labels('web'),
    });
    const db = await session.engine.docker.createContainer({
      Image: session.engine.image,
      name: `${project}-db-1`,
      Cmd: ['true'],
      Labels: labels('db'),
    });
    try {
      await web.start();
      const group = await waitForRow(
        'containers',
        project,
        (i) => i.children?.length === 2 && i.description === '1/2 running',
      );
      assert.equal(group.contextValue, 'composeGroup');
      assert.deepEqual(
        group.children?.map((c) => [c.label, c.contextValue]),
        [
          [`${project}-db-1`, 'createdContainer'],
          [`${project}-web-1`, 'runningContainer'],
        ],
      );
      await screenshot(shot('extension-sidebar'), {
        waitForSelector: `.pane-body .monaco-list-row:has-text("${project}-web-1")`,
      });
      // The status bar counts what the engine says runs.
      const running = (await session.engine.docker.listContainers({ filters: { status: ['running'] } }))
        .length;
      let bar: string[] = [];
      await waitUntil(
        async () => {
          bar = await workbenchText('.statusbar-item');
          return bar.some((t) => t.trim() === `Berth ${running}`);
        },
        { what: () => `"Berth ${running}" in the status bar; it shows ${JSON.stringify(bar)}` },
      );
      // A group's Stop stops each of its containers.
      await vscode.commands.executeCommand('berth.containers.stop', group);
      await waitForRow('containers', project, (i) => i.description === '0/2 running');
      assert.equal((await web.inspect()).State.Running, false);
    } finally {
      await web.remove({ force: true });
      await db.remove({ force: true });
    }
  });

  it('attaches a shell on a PTY: typing hostname shows the container’s hostname', async () => {
    const name = `berth-e2e-shell-${session.suffix}`;
    const container = await session.engine.docker.createContainer({
      Image: session.engine.image,
      name,
      Cmd: ['sleep', '3600'],
    });
    await container.start();
    try {
      const row = await waitForRow('containers', name, (i) => i.contextValue === 'runningContainer');
      const terminal = await vscode.commands.executeCommand<vscode.Terminal>(
        'berth.containers.attachShell',
        row,
      );
      assert.ok(terminal, 'Attach Shell opened no terminal');
      terminal.sendText('hostname');
      const hostname = (await container.inspect()).Config.Hostname;
      assert.ok(hostname, 'the container has no hostname');
      await waitForTerminalText(hostname);
      await screenshot(shot('extension-shell-terminal'), { waitForSelector: TERMINAL_ROWS });
      terminal.dispose();
    } finally {
      await container.remove({ force: true });
    }
  });
}
