// The extension's e2e tests, once per engine (testEngine.ts): berthd started by the extension itself
// (the product path), then dockerd (the reference). Each group of tests lives in its own module.
import * as vscode from 'vscode';

import { activateBerth, waitUntil } from '../helpers';
import { buildTests } from './build';
import { containerTests } from './containers';
import { engineTests } from './engine';
import { lifecycleTests } from './lifecycle';
import { localImageTests } from './localImages';
import { registryTests } from './registry';
import { session } from './session';
import { taskTests } from './tasks';
import { enginesUnderTest, startTestEngine, whyNoEngine, type EngineKind } from './testEngine';
import { skipBecause } from '../../../helpers/skip';

const global = vscode.ConfigurationTarget.Global;

function engineSuite(kind: EngineKind): void {
  describe(`extension on ${kind}`, function () {
    this.timeout(120_000);

    before(async function () {
      const why = whyNoEngine(kind);
      if (why) {
        return skipBecause(this, why);
      }
      session.api = await activateBerth();
      console.log(
        `      activation took ${session.api.activationMs.toFixed(1)} ms (the extension's own timing)`,
      );
      // The DOM renderer draws terminal text as text, so the test can read what the user sees.
      await vscode.workspace.getConfiguration('terminal.integrated').update('gpuAcceleration', 'off', global);
      // VS Code refuses modal dialogs in extension tests, so removals are confirmed by this setting.
      await vscode.workspace.getConfiguration('berth').update('confirmDestructiveActions', false, global);
      session.engine = await startTestEngine(kind);
      await waitUntil(() => session.api.engineState().kind === 'connected', {
        event: session.api.onDidChangeEngineState,
        what: () =>
          `the extension to connect to ${session.engine.socketPath}: ${JSON.stringify(session.api.engineState())}`,
      });
      await vscode.commands.executeCommand('workbench.view.extension.berth');
    });

    after(async () => {
      await session.engine?.stop();
      await vscode.workspace.getConfiguration('berth').update('confirmDestructiveActions', undefined, global);
    });

    describe('containers, logs and shells', containerTests);
    describe('lifecycle, filters, volumes, networks', lifecycleTests);
    describe('builds and tasks', () => {
      buildTests();
      taskTests();
    });
    describe('registries', registryTests);
    describe('local images in the Dockerfile editor', localImageTests);
    describe('the engine', engineTests);
  });
}

for (const kind of enginesUnderTest()) engineSuite(kind);
