// One TreeDataProvider per view. A view reloads from the engine when it is asked for its children
// after refresh() (called on engine events, see tree/views.ts), so a hidden view costs nothing.
import * as vscode from 'vscode';

import { isEngineUnavailable, type EngineConnection } from '../engine/connection';
import { loadView } from './load';
import type { EngineNode, ViewName } from './nodes';

export class EngineTreeProvider implements vscode.TreeDataProvider<EngineNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<EngineNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly loadedEmitter = new vscode.EventEmitter<readonly EngineNode[]>();
  /** Fires after each reload with the new top-level nodes (the status bar and tests listen). */
  readonly onDidLoad = this.loadedEmitter.event;

  private nodes: readonly EngineNode[] = [];
  private filterText = '';
  private showDanglingImages = false;
  /** Set by tree/views.ts once the TreeView exists, to show load errors in the view. */
  treeView: vscode.TreeView<EngineNode> | undefined;

  constructor(
    readonly view: ViewName,
    private readonly engine: EngineConnection,
  ) {}

  get filter(): string {
    return this.filterText;
  }

  setFilter(text: string): void {
    this.filterText = text.trim();
    if (this.treeView) this.treeView.description = this.filterText ? `filter: ${this.filterText}` : undefined;
    void vscode.commands.executeCommand('setContext', `berth.${this.view}.filtered`, this.filterText !== '');
    this.refresh();
  }

  get showDangling(): boolean {
    return this.showDanglingImages;
  }

  setShowDangling(show: boolean): void {
    this.showDanglingImages = show;
    void vscode.commands.executeCommand('setContext', 'berth.images.showDangling', show);
    this.refresh();
  }

  /** The nodes shown now (top level), as last loaded. */
  get current(): readonly EngineNode[] {
    return this.nodes;
  }

  refresh(): void {
    this.changeEmitter.fire(undefined);
  }

  getTreeItem(node: EngineNode): vscode.TreeItem {
    const item = new vscode.TreeItem(
      node.label,
      node.kind === 'composeGroup'
        ? vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.None,
    );
    item.id = node.id;
    item.description = node.description;
    item.contextValue = node.contextValue;
    item.iconPath = new vscode.ThemeIcon(
      node.icon.id,
      node.icon.color ? new vscode.ThemeColor(node.icon.color) : undefined,
    );
    return item;
  }

  /** Tooltips are built when hovered, not for every node of every refresh. */
  resolveTreeItem(item: vscode.TreeItem, node: EngineNode): vscode.TreeItem {
    item.tooltip = new vscode.MarkdownString(node.tooltip);
    return item;
  }

  async getChildren(node?: EngineNode): Promise<EngineNode[]> {
    if (node) return node.kind === 'composeGroup' ? node.children : [];
    return this.load();
  }

  getParent(node: EngineNode): EngineNode | undefined {
    return node.kind === 'container' ? node.group : undefined;
  }

  dispose(): void {
    this.changeEmitter.dispose();
    this.loadedEmitter.dispose();
  }

  private async load(): Promise<EngineNode[]> {
    let nodes: EngineNode[] = [];
    try {
      const docker = await this.engine.client();
      nodes = await loadView(docker, this.view, {
        filter: this.filterText,
        showDangling: this.showDanglingImages,
      });
      this.setMessage(
        nodes.length === 0 && this.filterText
          ? `Nothing matches the filter "${this.filterText}".`
          : undefined,
      );
    } catch (err) {
      // With no engine the view stays empty and its welcome content says what to do.
      this.setMessage(
        isEngineUnavailable(err) ? undefined : `Could not list ${this.view}: ${(err as Error).message}`,
      );
    }
    this.nodes = nodes;
    this.loadedEmitter.fire(nodes);
    return nodes;
  }

  private setMessage(message: string | undefined): void {
    if (this.treeView) this.treeView.message = message;
  }
}
