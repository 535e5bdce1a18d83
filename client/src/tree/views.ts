// The four views of the Berth activity-bar container, refreshed from the engine's event stream: an
// event marks the views it affects and they reload together a moment later, so a burst of events
// (a run is create, attach, start) costs one reload.
import * as vscode from 'vscode';

import type { EngineConnection } from '../engine/connection';
import { viewsAffectedBy } from '../engine/events';
import type { EngineNode, ViewName } from './nodes';
import { EngineTreeProvider } from './provider';

const VIEW_NAMES: readonly ViewName[] = ['containers', 'images', 'volumes', 'networks'];
/** Events arrive in bursts; wait this long after the first before reloading. */
const COALESCE_MS = 50;

export class Views implements vscode.Disposable {
  readonly providers: Record<ViewName, EngineTreeProvider>;
  readonly treeViews: Record<ViewName, vscode.TreeView<EngineNode>>;
  private readonly pending = new Set<ViewName>();
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(engine: EngineConnection) {
    const providers = {} as Record<ViewName, EngineTreeProvider>;
    const treeViews = {} as Record<ViewName, vscode.TreeView<EngineNode>>;
    for (const name of VIEW_NAMES) {
      const provider = new EngineTreeProvider(name, engine);
      const treeView = vscode.window.createTreeView(`berth.${name}`, {
        treeDataProvider: provider,
        canSelectMany: true,
        showCollapseAll: name === 'containers',
      });
      provider.treeView = treeView;
      providers[name] = provider;
      treeViews[name] = treeView;
      this.disposables.push(provider, treeView);
    }
    this.providers = providers;
    this.treeViews = treeViews;
    this.disposables.push(
      engine.onDidReceiveEvent((event) => this.schedule(viewsAffectedBy(event))),
      // Connected, lost, stopped: every view shows something else now.
      engine.onDidChangeState((state) => {
        if (state.kind === 'connected' || state.kind === 'unreachable') this.schedule(VIEW_NAMES);
      }),
    );
  }

  refresh(view: ViewName): void {
    this.providers[view].refresh();
  }

  /**
   * Reloads `view`, then selects and reveals the first node `match` accepts (e.g. the image a build
   * just made). Resolves with that node, or undefined when none matched.
   */
  async reveal(view: ViewName, match: (node: EngineNode) => boolean): Promise<EngineNode | undefined> {
    const provider = this.providers[view];
    const nodes = await provider.getChildren();
    provider.refresh();
    const all = nodes.flatMap((n): EngineNode[] => (n.kind === 'composeGroup' ? [n, ...n.children] : [n]));
    const node = all.find(match);
    if (node) await this.treeViews[view].reveal(node, { select: true, focus: false, expand: true });
    return node;
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }

  private schedule(views: readonly ViewName[]): void {
    if (views.length === 0) return;
    for (const v of views) this.pending.add(v);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const due = [...this.pending];
      this.pending.clear();
      for (const v of due) this.providers[v].refresh();
    }, COALESCE_MS);
  }
}
