// `berth cp`: files between a container and the host (or a tar on stdin/stdout), through the
// archive endpoints, with docker cp's rules for where things land: into an existing directory
// under their own name, else under the destination's name, whose parent must exist.
import {
  existsSync,
  lchownSync,
  lstatSync,
  mkdtempSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
} from 'node:fs';
import { basename, dirname, join, posix, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type * as Tar from 'tar';
import { flagBool, UsageError } from '../args';
import { humanSize } from '../render/units';
import type { CliContext, Command } from './command';

// node-tar loads when a copy runs: evaluating it on every `berth` start cost the other verbs ~5 ms.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const tar = () => require('tar') as typeof Tar;

interface PathStat {
  name: string;
  size: number;
  mode: number;
  linkTarget: string;
}

const goModeDir = 2 ** 31;

/** `CONTAINER:PATH` → [container, path]; a host path (or `-`) → [undefined, path]. */
function splitCopyArg(arg: string): [string | undefined, string] {
  if (arg.startsWith('/') || arg.startsWith('.') || arg === '-') return [undefined, arg];
  const colon = arg.indexOf(':');
  return colon > 0 ? [arg.slice(0, colon), arg.slice(colon + 1)] : [undefined, arg];
}

async function readError(res: { status: number; body: Readable }, what: string): Promise<Error> {
  const chunks: Buffer[] = [];
  for await (const c of res.body) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString();
  let message = text.trim();
  try {
    message = (JSON.parse(text) as { message: string }).message;
  } catch {
    // not JSON: the text as it came
  }
  return new Error(`Error response from daemon: ${message || `${what}: status ${res.status}`}`);
}

/** The stat of a container path, or undefined when it does not exist. */
async function statInContainer(
  ctx: CliContext,
  container: string,
  path: string,
): Promise<PathStat | undefined> {
  const res = await (
    await ctx.daemon()
  ).raw('HEAD', `/containers/${encodeURIComponent(container)}/archive`, {
    path,
  });
  res.body.resume();
  if (res.status === 404) {
    // HEAD has no body to say which is missing: the container or the path in it.
    const exists = await (await ctx.daemon()).raw('GET', `/containers/${encodeURIComponent(container)}/json`);
    exists.body.resume();
    if (exists.status === 404) throw new Error(`Error response from daemon: No such container: ${container}`);
    return undefined;
  }
  if (res.status >= 400) throw await readError(res, `stat ${container}:${path}`);
  const header = res.headers['x-docker-container-path-stat'];
  return JSON.parse(Buffer.from(String(header), 'base64').toString()) as PathStat;
}

/**
 * Unpacks a container's tar into `dir` with node-tar's guards (nothing lands outside `dir`), then
 * gives absolute symlinks back the targets those guards cut to relative ones: a link is only a
 * name, and `/etc/alternatives/x` must stay what it was in the container.
 */
async function extract(body: Readable, dir: string, keepOwners: boolean): Promise<void> {
  const absoluteLinks: { path: string; target: string }[] = [];
  await pipeline(
    body,
    tar().x({
      cwd: dir,
      preserveOwner: keepOwners,
      onReadEntry: (entry) => {
        if (entry.type === 'SymbolicLink' && entry.linkpath?.startsWith('/'))
          absoluteLinks.push({ path: entry.path, target: entry.linkpath });
      },
    }),
  );
  for (const link of absoluteLinks) {
    const at = resolve(dir, link.path);
    if (!at.startsWith(`${dir}${sep}`) || !lstatSync(at, { throwIfNoEntry: false })?.isSymbolicLink())
      continue;
    const owner = lstatSync(at);
    unlinkSync(at);
    symlinkSync(link.target, at);
    if (keepOwners) lchownSync(at, owner.uid, owner.gid);
  }
}

async function copyFromContainer(
  ctx: CliContext,
  container: string,
  src: string,
  dest: string,
  archive: boolean,
  follow: boolean,
) {
  let path = src;
  if (follow) {
    const stat = await statInContainer(ctx, container, src);
    if (stat?.linkTarget) path = stat.linkTarget;
  }
  const res = await (
    await ctx.daemon()
  ).raw('GET', `/containers/${encodeURIComponent(container)}/archive`, {
    path,
  });
  if (res.status >= 400) throw await readError(res, `copy from ${container}:${src}`);
  if (dest === '-') {
    await pipeline(res.body, ctx.stdout, { end: false });
    return;
  }
  const stat = JSON.parse(
    Buffer.from(String(res.headers['x-docker-container-path-stat']), 'base64').toString(),
  ) as PathStat;
  const srcIsDir = (stat.mode & goModeDir) !== 0;
  const target = resolve(dest);
  let bytes = 0;
  res.body.on('data', (c: Buffer) => (bytes += c.length));
  if (existsSync(target) && statSync(target).isDirectory() && !dest.endsWith('/.')) {
    // Into the directory, under the source's own name.
    await extract(res.body, target, archive);
  } else {
    if (existsSync(target) && srcIsDir) throw new Error(`cannot copy a directory to a file: ${dest}`);
    if (dest.endsWith('/') && !existsSync(target))
      throw new Error(`invalid output path: directory ${dest} does not exist`);
    const parent = dirname(target);
    if (!existsSync(parent)) throw new Error(`invalid output path: directory ${parent} does not exist`);
    // Unpacked beside the destination, then renamed into place (same filesystem, so atomic).
    const staging = mkdtempSync(join(parent, '.berth-cp-'));
    try {
      await extract(res.body, staging, archive);
      if (existsSync(target)) rmSync(target, { recursive: true, force: true });
      renameSync(join(staging, stat.name), target);
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  ctx.stderr.write(`Successfully copied ${humanSize(bytes)} to ${dest}\n`);
}

async function copyToContainer(
  ctx: CliContext,
  src: string,
  container: string,
  dest: string,
  archive: boolean,
  follow: boolean,
) {
  const api = await ctx.daemon();
  const put = async (dir: string, body: Readable) => {
    const res = await api.raw(
      'PUT',
      `/containers/${encodeURIComponent(container)}/archive`,
      { path: dir, noOverwriteDirNonDir: 'true', copyUIDGID: archive ? 'true' : undefined },
      body,
      { 'Content-Type': 'application/x-tar' },
    );
    if (res.status >= 400) throw await readError(res, `copy to ${container}:${dest}`);
    res.body.resume();
  };
  if (src === '-') {
    const stat = await statInContainer(ctx, container, dest);
    if (!stat || (stat.mode & goModeDir) === 0)
      throw new Error(`destination "${container}:${dest}" must be a directory`);
    await put(dest, ctx.stdin);
    return;
  }
  const source = resolve(src);
  if (!existsSync(source))
    throw new Error(`could not find the file ${src} in the host: no such file or directory`);
  const srcIsDir = statSync(source).isDirectory();
  const destStat = await statInContainer(ctx, container, dest);
  let dir = dest;
  let name = basename(source);
  if (!destStat || (destStat.mode & goModeDir) === 0) {
    if (destStat && srcIsDir) throw new Error(`cannot copy a directory to a file: ${container}:${dest}`);
    if (!destStat && dest.endsWith('/'))
      throw new Error(`destination directory ${container}:${dest} does not exist`);
    dir = posix.dirname(dest);
    name = posix.basename(dest);
    if (!(await statInContainer(ctx, container, dir)))
      throw new Error(`destination directory ${container}:${dir} does not exist`);
  }
  let bytes = 0;
  const body = tar().c(
    {
      cwd: dirname(source),
      follow,
      portable: !archive,
      onWriteEntry: (entry) => {
        const own = basename(source);
        if (entry.path === own || entry.path.startsWith(`${own}/`))
          entry.path = name + entry.path.slice(own.length);
      },
    },
    [basename(source)],
  ) as unknown as Readable;
  body.on('data', (c: Buffer) => (bytes += c.length));
  await put(dir, body);
  ctx.stderr.write(`Successfully copied ${humanSize(bytes)} to ${container}:${dest}\n`);
}

export const cp: Command = {
  name: 'cp',
  usage:
    'berth cp [OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n        berth cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH',
  summary: 'Copy files/folders between a container and the local filesystem',
  engine: 'daemon',
  flags: [
    {
      name: 'archive',
      short: 'a',
      type: 'boolean',
      description: 'Archive mode (copy all uid/gid information)',
    },
    {
      name: 'follow-link',
      short: 'L',
      type: 'boolean',
      description: 'Always follow symbol link in SRC_PATH',
    },
    { name: 'quiet', short: 'q', type: 'boolean', description: 'Suppress progress output during copy' },
  ],
  args: [2, 2],
  complete: ['container', 'file'],
  async run(ctx, args) {
    const [from, to] = args.positional.map(splitCopyArg);
    const archive = flagBool(args, 'archive');
    const follow = flagBool(args, 'follow-link');
    const quiet = flagBool(args, 'quiet') || to[1] === '-';
    const io = quiet ? { ...ctx, stderr: { write: () => true } as unknown as CliContext['stderr'] } : ctx;
    if (from[0] && to[0]) throw new UsageError('copying between containers is not supported');
    if (!from[0] && !to[0]) throw new UsageError('must specify at least one container source');
    if (from[0]) await copyFromContainer(io, from[0], from[1], to[1], archive, follow);
    else await copyToContainer(io, from[1], to[0]!, to[1], archive, follow);
  },
};
