// The task types berth-build and berth-run as they appear in tasks.json (package.json declares the
// same schema under taskDefinitions), and how each becomes an engine request. No `vscode` here.
import type Docker from 'dockerode';
import * as path from 'node:path';

import { contextDirFor, withTag } from '../build/buildRequest';
import type { BuildRequest } from '../build/runBuild';
import { parsePorts, parseVolumeEntries, splitWords } from '../run/runOptions';

export interface BuildTaskDefinition {
  readonly type: 'berth-build';
  /** Dockerfile, relative to the workspace folder (default: Dockerfile). */
  readonly dockerfile?: string;
  /** Build context, relative to the workspace folder (default: the Dockerfile's folder). */
  readonly context?: string;
  readonly tag: string;
  readonly target?: string;
  readonly buildArgs?: Record<string, string>;
  readonly labels?: Record<string, string>;
  readonly pull?: boolean;
  readonly noCache?: boolean;
}

export interface RunTaskDefinition {
  readonly type: 'berth-run';
  readonly image: string;
  readonly name?: string;
  /** e.g. ["8080:80"] */
  readonly ports?: readonly string[];
  readonly env?: Record<string, string>;
  /** e.g. ["./data:/data", "cache:/cache:ro"] */
  readonly volumes?: readonly string[];
  /** Replaces the image's CMD: a string (split like a shell) or an array. */
  readonly command?: string | readonly string[];
  /** Run in the background (default) or follow its output until it exits. */
  readonly detach?: boolean;
  /** Remove the container when it exits (docker run --rm). */
  readonly remove?: boolean;
}

export function buildRequestFrom(definition: BuildTaskDefinition, workspaceFolder: string): BuildRequest {
  if (!definition.tag) throw new Error('a berth-build task needs a "tag", e.g. "myapp:dev"');
  const dockerfile = path.resolve(workspaceFolder, definition.dockerfile ?? 'Dockerfile');
  return {
    dockerfile,
    contextDir: contextDirFor(dockerfile, definition.context ?? '', workspaceFolder),
    tag: withTag(definition.tag),
    target: definition.target,
    buildArgs: definition.buildArgs,
    labels: definition.labels,
    pull: definition.pull,
    noCache: definition.noCache,
  };
}

export function runOptionsFrom(
  definition: RunTaskDefinition,
  workspaceFolder: string | undefined,
  home: string,
): Docker.ContainerCreateOptions {
  if (!definition.image) throw new Error('a berth-run task needs an "image", e.g. "myapp:dev"');
  const ports = parsePorts((definition.ports ?? []).join(' '));
  const command =
    typeof definition.command === 'string'
      ? splitWords(definition.command)
      : definition.command
        ? [...definition.command]
        : undefined;
  const options: Docker.ContainerCreateOptions = {
    Image: definition.image,
    Env: Object.entries(definition.env ?? {}).map(([k, v]) => `${k}=${v}`),
    ExposedPorts: ports.exposed,
    HostConfig: {
      PortBindings: ports.bindings,
      Binds: parseVolumeEntries(definition.volumes ?? [], workspaceFolder, home),
      AutoRemove: definition.remove ?? false,
    },
    Labels: { 'dev.berth.created-by': 'vscode-task' },
  };
  if (definition.name) options.name = definition.name;
  if (command) options.Cmd = command;
  return options;
}
