// What a build of a given Dockerfile needs besides the file: the context folder (berth.build.context)
// and a default tag from the folder name. No `vscode` here.
import * as path from 'node:path';

/** `My App` → `my-app`: a repository name Docker accepts. */
export function repositoryNameFor(folderName: string): string {
  const name = folderName
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return name || 'image';
}

/** The tag offered first: `<folder>:latest`, or `<folder>:<stage>` for a stage build. */
export function defaultTag(dockerfile: string, workspaceFolder: string | undefined, target?: string): string {
  const dir = path.dirname(dockerfile);
  // A Dockerfile at the workspace root is named after the workspace folder, as users expect.
  const folder = path.basename(workspaceFolder && dir === workspaceFolder ? workspaceFolder : dir);
  return `${repositoryNameFor(folder)}:${target ?? 'latest'}`;
}

/** The context folder: the Dockerfile's folder, or berth.build.context resolved against the workspace folder. */
export function contextDirFor(
  dockerfile: string,
  setting: string,
  workspaceFolder: string | undefined,
): string {
  if (!setting.trim()) return path.dirname(dockerfile);
  if (path.isAbsolute(setting)) return setting;
  return path.resolve(workspaceFolder ?? path.dirname(dockerfile), setting);
}

/** `app` → `app:latest`; a tag or digest already there is kept. */
export function withTag(ref: string): string {
  const lastSlash = ref.lastIndexOf('/');
  return ref.includes('@') || ref.lastIndexOf(':') > lastSlash ? ref : `${ref}:latest`;
}

export interface BuildContextSource {
  /** Absolute path of the context folder. */
  readonly contextDir: string;
  /** Absolute path of the Dockerfile; it must be inside the context folder. */
  readonly dockerfile: string;
}

/** The Dockerfile's path inside the context, with forward slashes (the /build `dockerfile` parameter). */
export function dockerfileInContext(source: BuildContextSource): string {
  const relative = path.relative(source.contextDir, source.dockerfile);
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new Error(
      `${source.dockerfile} is outside its build context ${source.contextDir}: move it into the context, ` +
        'or set berth.build.context to a folder that contains it',
    );
  }
  return relative.split(path.sep).join('/');
}
