// COPY and ADD: sources from the build context, another stage or an image (--from), heredoc
// contents, and for ADD local archives (unpacked) and URLs (downloaded, --checksum verified); with
// --chown, --chmod, --link, --parents and --exclude. The cache key holds the content digests of
// context sources, the key of a source stage, or the ID of a source image.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { join, posix } from 'node:path';
import { type CommandOf, PatternMatcher } from '../../dockerfile';
import { BuildContext, type ContextEntry } from '../context/context';
import { FileDigests } from '../context/file-digests';
import { type CopyContent, type CopyItem, copyIntoRootfs } from '../copy-files';
import { BuildError } from '../errors';
import type { PreparedSource } from '../run-mounts';
import type { StepEnv } from '../services';
import { realPathInRoot } from '../../fs/resolve-in-root';
import { resolveChown } from '../users';
import { topChainId } from '../image';
import { mountReadOnly } from '../step-rootfs';
import type { Digest } from '../../oci/digest';
import { downloadUrl, isUrl } from './add-url';
import { type ArchiveKind, archiveKind, extractArchive } from './add-archive';

export interface CopySources {
  /** A read-only view of a stage's or image's file system. */
  sourceTree(from: string): Promise<PreparedSource>;
  sourceKey(from: string): Promise<string>;
}

/** The destination as BuildKit resolves it: relative to WORKDIR, trailing `/` kept. */
export function destinationPath(workdir: string, dest: string): string {
  const slash = dest.endsWith('/') || dest.endsWith('/.') || dest === '.';
  const abs = posix.resolve(workdir, dest);
  return slash && abs !== '/' ? `${abs}/` : abs;
}

function parseChmod(value: string): number | undefined {
  if (value === '') return undefined;
  if (!/^[0-7]{1,4}$/.test(value)) {
    throw new Error(`invalid --chmod value ${JSON.stringify(value)}: give octal permission bits, e.g. 755`);
  }
  return parseInt(value, 8);
}

export async function dispatchCopy(
  env: StepEnv,
  command: CommandOf<'COPY'> | CommandOf<'ADD'>,
  sources: CopySources,
): Promise<void> {
  const { state, services } = env;
  const isAdd = command.kind === 'ADD';
  // Words arrive expanded (expandInstruction); --from is not expanded, as in BuildKit.
  const sourcePaths = command.sourcePaths;
  const dest = destinationPath(state.workdir, command.destPath);
  const chown = command.chown;
  const chmod = parseChmod(command.chmod);
  const from = command.kind === 'COPY' ? command.from : '';
  const checksum = command.kind === 'ADD' ? command.checksum : '';
  const contents: CopyContent[] = command.sourceContents.map((c) => ({
    name: c.path,
    data: Buffer.from(c.data),
    mode: 0o644,
  }));
  if (checksum && (sourcePaths.length !== 1 || !isUrl(sourcePaths[0]))) {
    throw new BuildError(
      sourcePaths.length !== 1
        ? "checksum can't be specified for multiple sources"
        : "checksum can't be specified for non-HTTP sources",
      { location: env.location },
    );
  }

  // Where local sources come from: the context, or a stage/image tree mounted for the step.
  let tree: PreparedSource | undefined;
  let treeContext: BuildContext = services.context;
  let fromKey = '';
  if (from) {
    fromKey = await sources.sourceKey(from);
    tree = await sources.sourceTree(from);
    treeContext = new BuildContext(tree.path, undefined, undefined, new FileDigests());
  }
  try {
    const urls: { url: string; data: Buffer; name: string; mtime?: Date }[] = [];
    const resolved: { written: string; entries: ContextEntry[] }[] = [];
    for (const src of sourcePaths) {
      if (isUrl(src)) {
        if (!isAdd) throw new BuildError("source can't be a URL for COPY", { location: env.location });
        urls.push({ url: src, ...(await downloadUrl(src, checksum)) });
        continue;
      }
      try {
        resolved.push({ written: src, entries: treeContext.resolve(src, { allowEmptyWildcard: true }) });
      } catch (err) {
        const what = from ? `stage or image "${from}"` : 'the build context';
        throw new BuildError(
          `failed to compute cache key: ${(err as Error).message.replace('the build context', what)}`,
          {
            location: env.location,
          },
        );
      }
    }
    const description = {
      op: command.kind,
      // Changes when COPY makes something else of the same inputs, so records of an older Berth
      // are not reused (2: several files onto a path without "/" leave the last one).
      semantics: 2,
      dest,
      chown,
      chmod,
      link: command.link,
      parents: command.kind === 'COPY' && command.parents,
      exclude: command.excludePatterns,
      from: fromKey,
      sources: resolved.map((r) => ({
        src: r.written,
        entries: r.entries.map((e) => ({ rel: e.rel, digest: from ? '' : services.context.digest(e) })),
      })),
      urls: urls.map((u) => ({ url: u.url, digest: `${u.data.length}:${hashOf(u.data)}`, name: u.name })),
      contents: contents.map((c) => ({ name: c.name, data: c.data.toString('base64') })),
    };
    const shownSources = [...sourcePaths, ...command.sourceContents.map((c) => `<<${c.path}`)];
    const text = env.instruction.line.replace(/^\s*\S+\s*/, '');
    const parentTop = topChainId(state.image);
    await env.layerStep({
      independent: command.link,
      display: `${command.kind} ${state.displayExpand(text)}`,
      description,
      history: `${command.kind} ${[...shownSources, command.destPath].join(' ')} # buildkit`,
      execute: async (rootfs) => {
        const owner = chown ? ownerFor(chown, command.link, rootfs.merged, services, parentTop) : undefined;
        const exclude = excludeMatcher([...command.excludePatterns]);
        const items: CopyItem[] = [];
        const archives: { path: string; kind: ArchiveKind }[] = [];
        const unpack = command.kind === 'ADD' && command.unpack !== false;
        for (const r of resolved) {
          for (const entry of r.entries) {
            // A source a wildcard (or the path itself) names is excluded as a whole, as in the
            // reference's `COPY --exclude=*.txt hom* /mydir/`.
            if (exclude && entry.rel !== '' && exclude(entry.rel)) continue;
            const kind = unpack && entry.stat.isFile() ? await archiveKind(entry.abs) : undefined;
            if (kind) {
              archives.push({ path: entry.abs, kind });
              continue;
            }
            items.push(
              copyItem(treeContext, entry, r.written, command.kind === 'COPY' && command.parents, exclude),
            );
          }
        }
        const urlContents: CopyContent[] = urls.map((u) => ({
          name: u.name,
          data: u.data,
          mode: 0o600,
          ...(u.mtime && { mtime: u.mtime }),
        }));
        const files = items.length + contents.length + urlContents.length;
        if (files > 1 && !dest.endsWith('/') && !isDirIn(rootfs.merged, dest)) {
          services.progress.warning(
            `${command.kind} at line ${env.location?.startLine ?? '?'}: ${files} sources are copied onto "${command.destPath}", which does not end with "/": ` +
              `each lands on the same path and the last one wins (as BuildKit does); end the destination with "/" to copy them into a directory`,
          );
        }
        copyIntoRootfs(rootfs.merged, dest, items, [...contents, ...urlContents], {
          ...(owner && { owner }),
          ...(chmod !== undefined && { mode: chmod }),
        });
        for (const archive of archives) {
          await extractArchive(services.store, archive.path, archive.kind, rootfs.merged, dest, owner, chmod);
        }
      },
    });
  } finally {
    tree?.release();
  }
}

/**
 * The --chown owner. Names are looked up in the image being built; a --link layer is made in an
 * empty tree, so its names are looked up in a read-only view of the parent.
 */
function ownerFor(
  chown: string,
  link: boolean,
  rootfs: string,
  services: StepEnv['services'],
  parent: Digest | undefined,
): { uid: number; gid: number } {
  if (!link || /^\d+(:\d+)?$/.test(chown)) return resolveChown(rootfs, chown);
  const view = mountReadOnly(services.store, services.mounts, parent);
  try {
    return resolveChown(view.path, chown);
  } finally {
    view.release();
  }
}

function isDirIn(rootfs: string, path: string): boolean {
  try {
    return fs.statSync(join(rootfs, realPathInRoot(rootfs, path))).isDirectory();
  } catch {
    return false;
  }
}

/** --exclude patterns, matched like .dockerignore lines against paths inside each source. */
function excludeMatcher(patterns: string[]): ((rel: string) => boolean) | undefined {
  if (patterns.length === 0) return undefined;
  const matcher = PatternMatcher.create(patterns);
  if ('error' in matcher)
    throw new Error(`invalid --exclude ${JSON.stringify(patterns[matcher.index])}: ${matcher.error}`);
  return (rel) => matcher.matchesOrParentMatches(rel);
}

function copyItem(
  context: BuildContext,
  entry: ContextEntry,
  written: string,
  parents: boolean,
  exclude: ((rel: string) => boolean) | undefined,
): CopyItem {
  const name = posix.basename(entry.rel) || posix.basename(entry.abs);
  const item: CopyItem = { hostPath: entry.abs, name };
  if (parents) {
    // `a/./b/c`: the part after `/./` is kept under the destination; otherwise the whole path.
    const pivot = written.indexOf('/./');
    const base = pivot >= 0 ? posix.normalize(`/${written.slice(0, pivot)}`).replace(/^\/+/, '') : '';
    const rel = base && entry.rel.startsWith(`${base}/`) ? entry.rel.slice(base.length + 1) : entry.rel;
    item.parents = entry.stat.isDirectory() ? rel : posix.dirname(rel) === '.' ? '' : posix.dirname(rel);
  }
  if (entry.stat.isDirectory() && (context.ignore || exclude)) {
    const prefix = entry.rel ? `${entry.rel}/` : '';
    item.skip = (rel) => {
      if (exclude?.(rel)) return true;
      if (!context.ignore) return false;
      const path = `${prefix}${rel}`;
      if (!context.excluded(path)) return false;
      let isDir = false;
      try {
        isDir = fs.lstatSync(posix.join(entry.abs, rel)).isDirectory();
      } catch {
        return true;
      }
      return !(isDir && context.ignore!.mayIncludeBelow(path));
    };
  }
  return item;
}

function hashOf(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
