// Which objects a command acts on, the same way from the tree, a multi-selection and the palette:
// (node, nodes) from a tree click, or a quick pick of the engine's current objects from the palette.
import * as vscode from 'vscode';

import { loadView } from '../tree/load';
import type {
  ComposeGroupNode,
  ContainerNode,
  EngineNode,
  ImageNode,
  NetworkNode,
  VolumeNode,
  ViewName,
} from '../tree/nodes';
import type { CommandContext } from './context';

interface PickOptions<T> {
  /** Which nodes the command applies to (e.g. only running containers for Stop). */
  readonly accept: (node: T) => boolean;
  /** Quick-pick placeholder, e.g. "Containers to stop". */
  readonly placeHolder: string;
  /** Shown when the engine has nothing the command applies to. */
  readonly none: string;
  readonly canPickMany: boolean;
}

/**
 * The nodes a command runs on: the multi-selection when the clicked node is part of it, else the
 * clicked node, else what the user picks. Compose groups stand for their containers. Nodes the
 * command does not apply to are left out (Stop on a selection of running and exited containers
 * stops the running ones). Returns [] when there is nothing to do or the user cancelled.
 */
type LeafNode = Exclude<EngineNode, ComposeGroupNode>;

/** Compose groups stand for their containers. */
function leaves(nodes: readonly EngineNode[]): LeafNode[] {
  return nodes.flatMap((n) => (n.kind === 'composeGroup' ? n.children : [n]));
}

async function targets<T extends LeafNode>(
  context: CommandContext,
  view: ViewName,
  kind: T['kind'],
  node: EngineNode | undefined,
  nodes: readonly EngineNode[] | undefined,
  options: PickOptions<T>,
): Promise<T[]> {
  const isTarget = (n: LeafNode): n is T => n.kind === kind && options.accept(n as T);
  const chosen = node ? (nodes?.some((n) => n.id === node.id) ? nodes : [node]) : undefined;
  if (chosen) {
    const unique = [...new Map(leaves(chosen).map((n) => [n.id, n])).values()];
    return unique.filter(isTarget);
  }
  const docker = await context.engine.client();
  const candidates = leaves(await loadView(docker, view, { filter: '', showDangling: true })).filter(
    isTarget,
  );
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(options.none);
    return [];
  }
  const items = candidates.map((n) => ({ label: n.label, description: n.description, node: n }));
  if (options.canPickMany) {
    const picked = await vscode.window.showQuickPick(items, {
      placeHolder: options.placeHolder,
      canPickMany: true,
      matchOnDescription: true,
    });
    return picked?.map((p) => p.node) ?? [];
  }
  const picked = await vscode.window.showQuickPick(items, {
    placeHolder: options.placeHolder,
    matchOnDescription: true,
  });
  return picked ? [picked.node] : [];
}

export function containerTargets(
  context: CommandContext,
  node: EngineNode | undefined,
  nodes: readonly EngineNode[] | undefined,
  options: PickOptions<ContainerNode>,
): Promise<ContainerNode[]> {
  return targets<ContainerNode>(context, 'containers', 'container', node, nodes, options);
}

export function imageTargets(
  context: CommandContext,
  node: EngineNode | undefined,
  nodes: readonly EngineNode[] | undefined,
  options: PickOptions<ImageNode>,
): Promise<ImageNode[]> {
  return targets<ImageNode>(context, 'images', 'image', node, nodes, options);
}

export function volumeTargets(
  context: CommandContext,
  node: EngineNode | undefined,
  nodes: readonly EngineNode[] | undefined,
  options: PickOptions<VolumeNode>,
): Promise<VolumeNode[]> {
  return targets<VolumeNode>(context, 'volumes', 'volume', node, nodes, options);
}

export function networkTargets(
  context: CommandContext,
  node: EngineNode | undefined,
  nodes: readonly EngineNode[] | undefined,
  options: PickOptions<NetworkNode>,
): Promise<NetworkNode[]> {
  return targets<NetworkNode>(context, 'networks', 'network', node, nodes, options);
}

/** Container states as a contextValue test: `inStates('running', 'paused')`. */
export function inStates(...states: string[]): (node: ContainerNode) => boolean {
  return (node) => states.includes(node.state);
}
