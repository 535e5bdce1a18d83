// The status bar item: the engine's state and how many containers run, from the same event stream
// as the views; a click offers the quick actions (berth.engine.quickActions).
import * as vscode from 'vscode';

import type { EngineConnection, EngineState } from './engine/connection';

const COUNT_COALESCE_MS = 100;

export class EngineStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'berth.engine',
    vscode.StatusBarAlignment.Left,
    20,
  );
  private readonly disposables: vscode.Disposable[] = [];
  private running: number | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly engine: EngineConnection) {
    this.item.name = 'Berth Engine';
    this.item.command = 'berth.engine.quickActions';
    this.disposables.push(
      this.item,
      engine.onDidChangeState((state) => {
        this.running = undefined;
        this.render(state);
        if (state.kind === 'connected') this.countLater();
      }),
      engine.onDidReceiveEvent((event) => {
        if ((event.Type ?? 'container') === 'container') this.countLater();
      }),
    );
    this.render(engine.state);
    this.item.show();
  }

  /** Running containers as last counted (undefined before the engine answered). */
  get runningCount(): number | undefined {
    return this.running;
  }

  /** The text shown now (for tests and the quick-actions title). */
  get text(): string {
    return this.item.text;
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }

  private countLater(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const docker = this.engine.clientIfConnected();
      docker
        ?.listContainers({ filters: { status: ['running'] } })
        .then((list) => {
          this.running = list.length;
          this.render(this.engine.state);
        })
        .catch(() => undefined);
    }, COUNT_COALESCE_MS);
  }

  private render(state: EngineState): void {
    this.item.backgroundColor = undefined;
    switch (state.kind) {
      case 'connected': {
        const count = this.running === undefined ? '' : ` ${this.running}`;
        this.item.text = `$(vm-running) Berth${count}`;
        const running =
          this.running === undefined
            ? ''
            : `, ${this.running} running container${this.running === 1 ? '' : 's'}`;
        this.item.tooltip = `${state.info.name} ${state.info.version}${running}. Click for actions.`;
        break;
      }
      case 'connecting':
        this.item.text = '$(loading~spin) Berth';
        this.item.tooltip = 'Connecting to the container engine…';
        break;
      case 'starting':
        this.item.text = '$(loading~spin) Berth: starting';
        this.item.tooltip = 'Starting the bundled container engine…';
        break;
      case 'stopping':
        this.item.text = '$(loading~spin) Berth: stopping';
        this.item.tooltip = 'Stopping the bundled container engine…';
        break;
      case 'unreachable':
        this.item.text = '$(vm-outline) Berth: engine off';
        this.item.tooltip = `No container engine: ${state.reason}. Click to start or connect one.`;
        this.item.backgroundColor = undefined;
        break;
    }
  }
}
