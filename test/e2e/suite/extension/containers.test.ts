// The extension against a real engine, driven as a user would: the palette and quick picks by
// keyboard, tree rows through their menu commands, terminals read from the screen.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

import type { BerthApi, BerthViewItem, BerthViewName } from '../../../../client/src/api';
import {
  activateBerth,
  completionsAt,
  keyboard,
  openDockerfile,
  screenshot,
  waitForDiagnostics,
  waitUntil,
  workbenchText,
} from '../helpers';
import {
  enginesUnderTest,
  startTestEngine,
  whyNoEngine,
  type EngineKind,
  type TestEngine,
} from './testEngine';

const suffix = randomBytes(3).toString('hex');
const QUICK_INPUT = '.quick-input-widget';
const QUICK_ROW = '.quick-input-list .monaco-list-row';
const TERMINAL_ROWS = '.terminal-wrapper.active .xterm-rows';

let engine: TestEngine | undefined;
let api: BerthApi;

function item(view: BerthViewName, label: string): BerthViewItem | undefined {
  const rows = api.viewItems(view).flatMap((i) => [i, ...(i.children ?? [])]);
  return rows.find((i) => i.label === label);
}

/** Waits until the view shows a row `label` that `accept` takes, and returns it. */
async function waitForRow(
  view: BerthViewName,
  label: string,
  accept: (i: BerthViewItem) => boolean = () => true,
): Promise<BerthViewItem> {
  await waitUntil(() => Boolean(item(view, label) && accept(item(view, label)!)), {
    event: api.onDidLoadView,
    what: () =>
      `${label} in the ${view} view; it shows ${JSON.stringify(api.viewItems(view).map((i) => `${i.label} ${i.contextValue}`))}`,
  });
  return item(view, label)!;
}

/** Waits until the active terminal shows `text` on screen. */
async function waitForTerminalText(text: string): Promise<void> {
  let last: string[] = [];
  await waitUntil(
    async () => {
      last = await workbenchText(TERMINAL_ROWS);
      return last.some((t) => t.includes(text));
    },
    { what: () => `"${text}" in the terminal; it shows: ${last.join('\n').slice(-500)}` },
  );
}

/** Screenshots of the product path (berthd) keep the plain names; the reference run's get a suffix. */
function shot(name: string): string {
  return engine?.kind === 'dockerd' ? `${name}-dockerd` : name;
}

function engineSuite(kind: EngineKind): void {
  describe(`extension on ${kind}: containers, images, logs and shells`, function () {
    this.timeout(120_000);

    before(async function () {
      const why = whyNoEngine(kind);
      if (why) {
        console.log(`      skip: ${why}`);
        return this.skip();
      }
      api = await activateBerth();
      console.log(`      activation took ${api.activationMs.toFixed(1)} ms (the extension's own timing)`);
      // The DOM renderer draws terminal text as text, so the test can read what the user sees.
      await vscode.workspace
        .getConfiguration('terminal.integrated')
        .update('gpuAcceleration', 'off', vscode.ConfigurationTarget.Global);
      // VS Code refuses modal dialogs in extension tests, so the removal is confirmed by this setting.
      await vscode.workspace
        .getConfiguration('berth')
        .update('confirmDestructiveActions', false, vscode.ConfigurationTarget.Global);
      engine = await startTestEngine(kind);
      await waitUntil(() => api.engineState().kind === 'connected', {
        event: api.onDidChangeEngineState,
        what: () => `the extension to connect to ${engine!.socketPath}: ${JSON.stringify(api.engineState())}`,
      });
      await vscode.commands.executeCommand('workbench.view.extension.berth');
    });

    after(async () => {
      await engine?.stop();
      engine = undefined;
      await vscode.workspace
        .getConfiguration('berth')
        .update('confirmDestructiveActions', undefined, vscode.ConfigurationTarget.Global);
    });

    it('runs a container from the palette, shows it running, follows its logs, stops and removes it', async () => {
      const name = `berth-e2e-run-${suffix}`;
      await keyboard({ press: ['F1'] });
      await keyboard({ waitFor: QUICK_INPUT, type: 'Berth: Run Container' });
      await keyboard({ waitFor: QUICK_ROW, hasText: 'Run Container', press: ['Enter'] });
      await keyboard({ waitFor: QUICK_ROW, hasText: engine!.image });
      await screenshot(shot('extension-run-quick-pick'), { waitForSelector: `${QUICK_ROW}` });
      await keyboard({ type: 'busybox', press: ['Enter'] });
      await keyboard({ waitFor: QUICK_INPUT, hasText: `Run Container: ${engine!.image}` });
      const step = (await workbenchText(QUICK_INPUT)).join('\n');
      if (step.includes('Change options')) {
        // Run before in this session (on another engine): the last choices are offered first.
        assert.match(step, /GREETING=hello-from-berth/, `the last choices are not offered: ${step}`);
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
      await answer('replaces the image', `sh -c 'echo "$GREETING"; while true; do sleep 1; done'`);
      await keyboard({ waitFor: QUICK_ROW, hasText: 'Detached', press: ['Enter'] });

      const running = await waitForRow('containers', name, (i) => i.contextValue === 'runningContainer');
      // The engine agrees: the container runs, with the environment typed in the wizard.
      const info = await engine!.docker.getContainer(name).inspect();
      assert.equal(info.State.Running, true);
      assert.ok(info.Config.Env.includes('GREETING=hello-from-berth'), `env: ${info.Config.Env.join(' ')}`);

      await vscode.commands.executeCommand('berth.containers.logs', running);
      await waitForTerminalText('hello-from-berth');

      await vscode.commands.executeCommand('berth.containers.stop', running);
      const exited = await waitForRow('containers', name, (i) => i.contextValue === 'exitedContainer');
      assert.equal((await engine!.docker.getContainer(name).inspect()).State.Running, false);

      await vscode.commands.executeCommand('berth.containers.remove', exited);
      await waitUntil(() => !item('containers', name), {
        event: api.onDidLoadView,
        what: () => `${name} to leave the containers view`,
      });
      await assert.rejects(engine!.docker.getContainer(name).inspect(), /no such container/i);
    });

    it('builds an image from the Dockerfile editor, which then shows in the Images view', async function () {
      if (engine!.cannotBuild) {
        console.log(`      skip: ${kind} cannot build images yet: ${engine!.cannotBuild}`);
        return this.skip();
      }
      const tag = `berth-e2e-built-${suffix}:v1`;
      const editor = await openDockerfile(
        `FROM busybox:latest\nRUN echo built-by-berth > /built.txt\nCMD ["cat", "/built.txt"]\n`,
        `build-${suffix}/Dockerfile`,
      );
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>(
        'vscode.executeCodeLensProvider',
        editor.document.uri,
      );
      assert.deepEqual(
        lenses.map((l) => l.command?.title),
        ['$(tools) Build', '$(play) Run'],
      );
      const built = vscode.commands.executeCommand<string | undefined>('berth.images.build');
      await keyboard({ waitFor: QUICK_INPUT, hasText: 'Tag for the image', press: ['Control+a'] });
      await keyboard({ type: tag, press: ['Enter'] });
      assert.equal(await built, tag);
      await waitForRow('images', tag);
      // What the image holds: run it and read its output.
      const output = await runAndCollect(tag);
      assert.equal(output.trim(), 'built-by-berth');
      // The language server heard about the new image: FROM completion offers it.
      const next = await openDockerfile('FROM \n', `from-${suffix}/Dockerfile`);
      const repository = tag.split(':')[0];
      let labels: string[] = [];
      await waitUntil(
        async () => {
          labels = (await completionsAt(next.document.uri, new vscode.Position(0, 5))).map((i) =>
            typeof i.label === 'string' ? i.label : i.label.label,
          );
          return labels.includes(repository);
        },
        { what: () => `${repository} among the FROM completions: ${labels.slice(0, 10).join(', ')}…` },
      );
    });

    it('turns a failing build step into a diagnostic at its Dockerfile line', async function () {
      if (engine!.cannotBuild) {
        console.log(`      skip: ${kind} cannot build images yet: ${engine!.cannotBuild}`);
        return this.skip();
      }
      const editor = await openDockerfile(
        `FROM busybox:latest\nRUN echo fine\nRUN echo failing && exit 3\nCMD ["true"]\n`,
        `fail-${suffix}/Dockerfile`,
      );
      const built = vscode.commands.executeCommand<string | undefined>(
        'berth.images.build',
        editor.document.uri,
      );
      await keyboard({ waitFor: QUICK_INPUT, hasText: 'Tag for the image', press: ['Control+a'] });
      await keyboard({ type: `berth-e2e-failing-${suffix}`, press: ['Enter'] });
      assert.equal(await built, undefined);
      const diagnostics = await waitForDiagnostics(editor.document.uri, (d) =>
        d.some((x) => x.source === 'berth build'),
      );
      const failure = diagnostics.find((d) => d.source === 'berth build')!;
      assert.equal(
        failure.range.start.line,
        2,
        `diagnostic at line ${failure.range.start.line + 1}: ${failure.message}`,
      );
      assert.match(failure.message, /non-zero code: 3|exit code 3|returned 3/i);
    });

    it('groups a compose project’s containers under the project (screenshot: extension-sidebar)', async () => {
      const project = `berth-e2e-shop-${suffix}`;
      const labels = (service: string) => ({
        'com.docker.compose.project': project,
        'com.docker.compose.service': service,
      });
      const web = await engine!.docker.createContainer({
        Image: engine!.image,
        name: `${project}-web-1`,
        Cmd: ['sleep', '3600'],
        Labels: labels('web'),
      });
      const db = await engine!.docker.createContainer({
        Image: engine!.image,
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
      const name = `berth-e2e-shell-${suffix}`;
      const container = await engine!.docker.createContainer({
        Image: engine!.image,
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
  });
}

for (const kind of enginesUnderTest()) engineSuite(kind);

async function runAndCollect(image: string): Promise<string> {
  const docker = engine!.docker;
  const container = await docker.createContainer({ Image: image, Tty: true });
  try {
    await container.start();
    await container.wait();
    const logs = await container.logs({ stdout: true, stderr: true });
    return logs.toString();
  } finally {
    await container.remove({ force: true });
  }
}
