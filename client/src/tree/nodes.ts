// What the views show, as plain data: each engine object becomes a node with its label, description,
// tooltip, icon and the contextValue that menus key on. No `vscode` here, so it is unit-tested and
// benchmarked without an editor; tree/provider.ts turns nodes into TreeItems.
import type Docker from 'dockerode';

import { formatAge, formatPorts, formatSize, shortId } from './format';

export type ViewName = 'containers' | 'images' | 'volumes' | 'networks';

export interface Icon {
  /** A codicon id (ThemeIcon). */
  readonly id: string;
  /** A theme color id. */
  readonly color?: string;
}

interface BaseNode {
  /** Unique within its view and stable across refreshes (TreeItem.id, used to keep selection). */
  readonly id: string;
  readonly label: string;
  readonly description: string;
  /** Markdown. */
  readonly tooltip: string;
  readonly contextValue: string;
  readonly icon: Icon;
}

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface ContainerNode extends BaseNode {
  readonly kind: 'container';
  readonly info: Docker.ContainerInfo;
  /** The name without Docker's leading slash. */
  readonly name: string;
  readonly state: ContainerState;
  /** The compose project group it is shown under, if any. */
  readonly group?: ComposeGroupNode;
}

export interface ComposeGroupNode extends BaseNode {
  readonly kind: 'composeGroup';
  readonly project: string;
  readonly children: ContainerNode[];
}

export interface ImageNode extends BaseNode {
  readonly kind: 'image';
  readonly info: Docker.ImageInfo;
  /** `repo:tag` this node stands for, or the image ID for an untagged (dangling) image. */
  readonly ref: string;
  readonly dangling: boolean;
}

export interface VolumeNode extends BaseNode {
  readonly kind: 'volume';
  readonly info: Docker.VolumeInspectInfo;
  readonly name: string;
}

export interface NetworkNode extends BaseNode {
  readonly kind: 'network';
  readonly info: Docker.NetworkInspectInfo;
  readonly name: string;
}

export type EngineNode = ContainerNode | ComposeGroupNode | ImageNode | VolumeNode | NetworkNode;

/** The label Docker Compose (v1 and v2) puts on the containers of a project. */
export const COMPOSE_PROJECT_LABEL = 'com.docker.compose.project';
const COMPOSE_SERVICE_LABEL = 'com.docker.compose.service';

/** Case-insensitive substring match; an empty filter matches everything. */
function matches(filter: string, ...texts: (string | undefined)[]): boolean {
  if (!filter) return true;
  const needle = filter.toLowerCase();
  return texts.some((t) => t?.toLowerCase().includes(needle));
}

const stateIcons: Record<ContainerState, Icon> = {
  running: { id: 'debug-start', color: 'charts.green' },
  paused: { id: 'debug-pause', color: 'charts.yellow' },
  restarting: { id: 'debug-restart', color: 'charts.yellow' },
  created: { id: 'circle-large-outline' },
  removing: { id: 'trash' },
  exited: { id: 'debug-stop' },
  dead: { id: 'error', color: 'charts.red' },
};

function containerState(info: Docker.ContainerInfo): ContainerState {
  const state = (info.State || '').toLowerCase();
  return state in stateIcons ? (state as ContainerState) : 'dead';
}

/** The exit code in a status like "Exited (137) 2 minutes ago", if there is one. */
export function exitCodeOf(status: string): number | undefined {
  const m = /^Exited \((-?\d+)\)/.exec(status);
  return m ? Number(m[1]) : undefined;
}

function containerIcon(state: ContainerState, status: string): Icon {
  if (state === 'running' && /\(unhealthy\)/.test(status)) return { id: 'warning', color: 'charts.yellow' };
  if (state === 'exited' && (exitCodeOf(status) ?? 0) !== 0) return { id: 'error', color: 'charts.red' };
  return stateIcons[state];
}

export function containerName(info: Docker.ContainerInfo): string {
  const name = info.Names?.[0] ?? shortId(info.Id);
  return name.startsWith('/') ? name.slice(1) : name;
}

function containerNode(info: Docker.ContainerInfo, group?: ComposeGroupNode): ContainerNode {
  const name = containerName(info);
  const state = containerState(info);
  const ports = formatPorts(info.Ports ?? []);
  const service = info.Labels?.[COMPOSE_SERVICE_LABEL];
  const tooltip = [
    `**${name}** (${shortId(info.Id)})`,
    '',
    `Image: \`${info.Image}\``,
    `Status: ${info.Status}`,
    ports ? `Ports: ${ports}` : '',
    service ? `Compose service: ${service}` : '',
    info.Command ? `Command: \`${info.Command}\`` : '',
  ]
    .filter((line, i) => line !== '' || i === 1)
    .join('  \n');
  return {
    kind: 'container',
    id: `container:${info.Id}`,
    label: name,
    description: [info.Image, info.Status, ports].filter(Boolean).join(' · '),
    tooltip,
    contextValue: `${state}Container`,
    icon: containerIcon(state, info.Status ?? ''),
    info,
    name,
    state,
    group,
  };
}

function byName(a: { label: string }, b: { label: string }): number {
  return a.label.localeCompare(b.label);
}

/**
 * The Containers view's top level: compose projects first (each a group of its containers), then
 * the other containers; by name. `filter` keeps containers whose name or image contains it, and
 * projects whose name does (with all their containers).
 */
export function containerNodes(
  containers: readonly Docker.ContainerInfo[],
  filter = '',
): (ContainerNode | ComposeGroupNode)[] {
  const projects = new Map<string, Docker.ContainerInfo[]>();
  const loose: ContainerNode[] = [];
  for (const info of containers) {
    const project = info.Labels?.[COMPOSE_PROJECT_LABEL];
    if (project) {
      const list = projects.get(project) ?? [];
      list.push(info);
      projects.set(project, list);
    } else if (matches(filter, containerName(info), info.Image)) {
      loose.push(containerNode(info));
    }
  }
  const groups: ComposeGroupNode[] = [];
  for (const [project, members] of projects) {
    const projectMatches = matches(filter, project);
    const kept = members.filter((info) => projectMatches || matches(filter, containerName(info), info.Image));
    if (kept.length === 0) continue;
    const running = kept.filter((info) => containerState(info) === 'running').length;
    const children: ContainerNode[] = [];
    const group: ComposeGroupNode = {
      kind: 'composeGroup',
      id: `compose:${project}`,
      label: project,
      description: `${running}/${kept.length} running`,
      tooltip: `Compose project **${project}**: ${kept.length} container${kept.length === 1 ? '' : 's'}, ${running} running`,
      contextValue: 'composeGroup',
      icon: { id: 'layers', color: running > 0 ? 'charts.green' : undefined },
      project,
      children,
    };
    for (const info of kept) children.push(containerNode(info, group));
    children.sort(byName);
    groups.push(group);
  }
  return [...groups.sort(byName), ...loose.sort(byName)];
}

/** An image with no tag: Docker lists it with no RepoTags or with `<none>:<none>`. */
export function isDangling(info: Docker.ImageInfo): boolean {
  return !info.RepoTags || info.RepoTags.every((t) => t === '<none>:<none>');
}

/**
 * The Images view: one node per `repo:tag` (an image with two tags shows twice, as `docker images`
 * does), untagged images last and only when `showDangling`.
 */
export function imageNodes(
  images: readonly Docker.ImageInfo[],
  options: { showDangling: boolean; filter?: string; nowMs: number },
): ImageNode[] {
  const tagged: ImageNode[] = [];
  const dangling: ImageNode[] = [];
  for (const info of images) {
    const size = formatSize(info.Size);
    const age = formatAge(info.Created, options.nowMs);
    const id = shortId(info.Id);
    if (isDangling(info)) {
      if (!options.showDangling || !matches(options.filter ?? '', id, '<none>')) continue;
      dangling.push({
        kind: 'image',
        id: `image:${info.Id}`,
        label: `<none> (${id})`,
        description: `${size} · ${age}`,
        tooltip: `**Untagged image** ${id}  \nSize: ${size}  \nCreated ${age}`,
        contextValue: 'image',
        icon: { id: 'package', color: 'disabledForeground' },
        info,
        ref: info.Id,
        dangling: true,
      });
      continue;
    }
    for (const ref of info.RepoTags!) {
      if (ref === '<none>:<none>' || !matches(options.filter ?? '', ref)) continue;
      tagged.push({
        kind: 'image',
        id: `image:${info.Id}:${ref}`,
        label: ref,
        description: `${size} · ${age}`,
        tooltip: `**${ref}**  \nID: ${id}  \nSize: ${size}  \nCreated ${age}`,
        contextValue: 'image',
        icon: { id: 'package' },
        info,
        ref,
        dangling: false,
      });
    }
  }
  return [...tagged.sort(byName), ...dangling.sort((a, b) => b.info.Created - a.info.Created)];
}

export function volumeNodes(volumes: readonly Docker.VolumeInspectInfo[], filter = ''): VolumeNode[] {
  return volumes
    .filter((v) => matches(filter, v.Name))
    .map((info): VolumeNode => {
      // Anonymous volumes are named by 64 hex digits; the short form is enough to tell them apart.
      const anonymous = /^[0-9a-f]{64}$/.test(info.Name);
      const createdAt = (info as { CreatedAt?: string }).CreatedAt;
      return {
        kind: 'volume',
        id: `volume:${info.Name}`,
        label: anonymous ? shortId(info.Name) : info.Name,
        description: [info.Driver, anonymous ? 'anonymous' : ''].filter(Boolean).join(' · '),
        tooltip: [
          `**${info.Name}**`,
          `Driver: ${info.Driver}`,
          `Mount point: \`${info.Mountpoint}\``,
          createdAt ? `Created: ${createdAt}` : '',
        ]
          .filter(Boolean)
          .join('  \n'),
        contextValue: 'volume',
        icon: { id: 'database' },
        info,
        name: info.Name,
      };
    })
    .sort(byName);
}

/** Networks every engine creates itself; they cannot be removed. */
const BUILT_IN_NETWORKS = new Set(['bridge', 'host', 'none', 'podman']);

export function networkNodes(networks: readonly Docker.NetworkInspectInfo[], filter = ''): NetworkNode[] {
  return networks
    .filter((n) => matches(filter, n.Name))
    .map((info): NetworkNode => {
      const builtIn = BUILT_IN_NETWORKS.has(info.Name);
      const subnet = info.IPAM?.Config?.map((c) => c.Subnet)
        .filter(Boolean)
        .join(', ');
      return {
        kind: 'network',
        id: `network:${info.Id}`,
        label: info.Name,
        description: [info.Driver, info.Scope, subnet].filter(Boolean).join(' · '),
        tooltip: [
          `**${info.Name}** (${shortId(info.Id)})`,
          `Driver: ${info.Driver}`,
          subnet ? `Subnet: ${subnet}` : '',
          builtIn ? 'Built in' : '',
        ]
          .filter(Boolean)
          .join('  \n'),
        contextValue: builtIn ? 'network' : 'customNetwork',
        icon: { id: 'type-hierarchy' },
        info,
        name: info.Name,
      };
    })
    .sort(byName);
}
