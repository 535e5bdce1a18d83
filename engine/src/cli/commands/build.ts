import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type * as Tar from 'tar';
import type * as Builder from '../../build';
import type { BuildRequest } from '../../build';
import { parsePlatform } from '../../oci/platform';
import { flagBool, flagList, flagString, UsageError } from '../args';
import type { CliContext, Command } from './command';
import type * as DaemonBuild from '../daemon/build';
import type { DaemonApi } from '../daemon/client';
import { StreamError } from '../daemon/images';
import { JsonStreamRenderer } from '../render/json-stream';
import { humanSize } from '../render/units';

// The builder (with the Dockerfile parser), the context packer and node-tar load when a build runs:
// evaluating them on every `berth` start cost the other verbs ~8 ms.
/* eslint-disable @typescript-eslint/no-require-imports */
const builder = () => require('../../build') as typeof Builder;
const daemonBuild = () => require('../daemon/build') as typeof DaemonBuild;
const tar = () => require('tar') as typeof Tar;
/* eslint-enable @typescript-eslint/no-require-imports */

function keyValues(values: string[], flag: string, fromEnv: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq === 0) throw new UsageError(`invalid --${flag} "${v}": the name is empty`);
    if (eq < 0) {
      // `--build-arg NAME` takes the value from the environment, as docker does.
      if (!fromEnv) throw new UsageError(`invalid --${flag} "${v}": expected KEY=VALUE`);
      if (process.env[v] !== undefined) out[v] = process.env[v]!;
      continue;
    }
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

/**
 * What `-` means, as in docker: `-f -` reads the Dockerfile from stdin; a context of `-` reads
 * stdin as a tar of the context (plain or gzip; unpacked into a temp dir, nothing outside it), or
 * else as a Dockerfile with an empty context.
 */
async function stdinSources(
  ctx: CliContext,
  contextArg: string,
  fileArg: string | undefined,
): Promise<{ contextDir?: string; dockerfileText?: string; release(): void } | undefined> {
  if (contextArg !== '-' && fileArg !== '-') return undefined;
  if (contextArg === '-' && fileArg === '-') {
    throw new UsageError('invalid argument: stdin cannot be both the build context and the Dockerfile');
  }
  if (ctx.stdin.isTTY) {
    throw new UsageError(
      '"-" reads from stdin, but stdin is a terminal: pipe a Dockerfile or a context tar into it',
    );
  }
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.stdin) chunks.push(chunk as Buffer);
  const data = Buffer.concat(chunks);
  if (fileArg === '-') return { dockerfileText: data.toString('utf8'), release: () => {} };
  const dir = fs.mkdtempSync(join(tmpdir(), 'berth-build-context-'));
  const release = () => fs.rmSync(dir, { recursive: true, force: true });
  const gzip = data[0] === 0x1f && data[1] === 0x8b;
  const ustar = data.subarray(257, 262).toString('latin1') === 'ustar';
  if (!gzip && !ustar) return { contextDir: dir, dockerfileText: data.toString('utf8'), release };
  try {
    // node-tar strips absolute paths and `..`, and never writes through a symlink it extracted.
    await pipeline(Readable.from([data]), tar().x({ cwd: dir, strict: true }));
  } catch (err) {
    release();
    throw new UsageError(
      `unable to prepare context: the tar on stdin could not be read: ${(err as Error).message}`,
    );
  }
  return { contextDir: dir, release };
}

export const build: Command = {
  name: 'build',
  usage: 'berth build [OPTIONS] PATH | -',
  summary: 'Build an image from a Dockerfile',
  engine: 'either',
  flags: [
    {
      name: 'tag',
      short: 't',
      type: 'list',
      description: 'Name and optionally a tag (name:tag), repeatable',
      value: 'list',
    },
    {
      name: 'file',
      short: 'f',
      type: 'string',
      description: "Name of the Dockerfile (default: 'PATH/Dockerfile'), - for stdin",
      value: 'string',
    },
    {
      name: 'build-arg',
      type: 'list',
      description: 'Set build-time variables (KEY=VALUE), repeatable',
      value: 'list',
    },
    { name: 'target', type: 'string', description: 'Set the target build stage to build', value: 'string' },
    { name: 'no-cache', type: 'boolean', description: 'Do not use cache when building the image' },
    {
      name: 'pull',
      type: 'boolean',
      description: 'Always attempt to pull a newer version of the base images',
    },
    {
      name: 'label',
      type: 'list',
      description: 'Set metadata for an image (KEY=VALUE), repeatable',
      value: 'list',
    },
    {
      name: 'network',
      type: 'string',
      description:
        "Network for RUN steps: default (berthd's bridge; in-process, the host's network), none or host",
      value: 'string',
    },
    {
      name: 'secret',
      type: 'list',
      description: 'Secret to expose to the build: id=NAME,src=FILE or id=NAME,env=VAR',
      value: 'stringArray',
    },
    {
      name: 'platform',
      type: 'string',
      description: 'Set target platform for build (e.g. linux/amd64)',
      value: 'string',
    },
    {
      name: 'progress',
      type: 'string',
      description: 'Type of progress output: auto, plain, tty',
      value: 'string',
    },
    { name: 'iidfile', type: 'string', description: 'Write the image ID to the file', value: 'string' },
    {
      name: 'quiet',
      short: 'q',
      type: 'boolean',
      description: 'Suppress the build output and print image ID on success',
    },
  ],
  args: [1, 1],
  complete: ['file'],
  async run(ctx, args) {
    const network = flagString(args, 'network') ?? 'default';
    if (!['default', 'none', 'host'].includes(network)) {
      throw new UsageError(`invalid --network "${network}": use default, none or host`);
    }
    const progressMode = flagString(args, 'progress') ?? 'auto';
    if (!['auto', 'plain', 'tty'].includes(progressMode)) {
      throw new UsageError(`invalid --progress "${progressMode}": use auto, plain or tty`);
    }
    const platform = flagString(args, 'platform');
    let secrets;
    try {
      secrets = flagList(args, 'secret').map(builder().parseSecretFlag);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const stdin = await stdinSources(ctx, args.positional[0], flagString(args, 'file'));
    try {
      const request: BuildRequest = {
        contextDir: stdin?.contextDir ?? resolve(args.positional[0]),
        ...(stdin?.contextDir && { temporaryContext: true }),
        tags: flagList(args, 'tag'),
        buildArgs: keyValues(flagList(args, 'build-arg'), 'build-arg', true),
        labels: keyValues(flagList(args, 'label'), 'label', false),
        noCache: flagBool(args, 'no-cache'),
        pull: flagBool(args, 'pull'),
        network: network as BuildRequest['network'],
        secrets,
        ...(stdin?.dockerfileText !== undefined
          ? { dockerfileText: stdin.dockerfileText }
          : flagString(args, 'file') && { dockerfile: resolve(flagString(args, 'file')!) }),
        ...(flagString(args, 'target') && { target: flagString(args, 'target') }),
        ...(platform && { platform: parsePlatform(platform) }),
      };
      if (!stdin && (!fs.existsSync(request.contextDir) || !fs.statSync(request.contextDir).isDirectory())) {
        throw new UsageError(
          `unable to prepare context: path "${args.positional[0]}" not found or not a directory`,
        );
      }
      const quiet = flagBool(args, 'quiet');
      const daemon = await ctx.daemonIfRunning();
      const result = daemon
        ? await buildOnEngine(ctx, daemon, request, quiet, progressMode)
        : await buildInProcess(ctx, request, quiet, progressMode);
      if ('status' in result) return result.status;
      const iidfile = flagString(args, 'iidfile');
      if (iidfile) fs.writeFileSync(iidfile, result.id);
      if (quiet) ctx.stdout.write(`${result.id}\n`);
      return 0;
    } finally {
      stdin?.release();
    }
  },
};

type Outcome = { id: string } | { status: number };

/**
 * Through the daemon's classic /build, rendered as the docker CLI renders it (on stdout, as docker's
 * classic builder writes it). Ctrl-C ends berth, which closes the connection: the daemon then
 * cancels the build and cleans up.
 */
async function buildOnEngine(
  ctx: CliContext,
  daemon: DaemonApi,
  request: BuildRequest,
  quiet: boolean,
  progressMode: string,
): Promise<Outcome> {
  const tty = progressMode === 'tty' || (progressMode === 'auto' && !!ctx.stdout.isTTY);
  const renderer = new JsonStreamRenderer(ctx.stdout, tty, ctx.stdout.columns || 80);
  let lastDrawn = 0;
  const sending = (bytes: number, done: boolean): void => {
    if (quiet) return;
    const line = `Sending build context to the engine  ${humanSize(bytes)}`;
    if (done) ctx.stdout.write(tty ? `\r\x1b[2K${line}\n` : `${line}\n`);
    // On a terminal the count goes up in place, a few times a second.
    else if (tty && Date.now() - lastDrawn >= 100) {
      lastDrawn = Date.now();
      ctx.stdout.write(`\r\x1b[2K${line}`);
    }
  };
  try {
    const { buildOnDaemon } = daemonBuild();
    return { id: await buildOnDaemon(daemon, request, quiet, { sending, message: renderer.message }) };
  } catch (err) {
    // The build's own failure report (step, command, exit code) as the daemon wrote it.
    if (!(err instanceof StreamError)) throw err;
    ctx.stderr.write(`${err.message.replace(/\n?$/, '\n')}`);
    return { status: 1 };
  }
}

/** In this process, with BuildKit's style of progress on stderr. */
async function buildInProcess(
  ctx: CliContext,
  request: BuildRequest,
  quiet: boolean,
  progressMode: string,
): Promise<Outcome> {
  const { formatBuildError, PlainRenderer, TtyRenderer } = builder();
  const write = (text: string) => ctx.stderr.write(text);
  const tty = progressMode === 'tty' || (progressMode === 'auto' && !!ctx.stderr.isTTY);
  const ttyRenderer =
    !quiet && tty
      ? new TtyRenderer(write, () => (ctx.stderr as { columns?: number }).columns || 80)
      : undefined;
  const onEvent = quiet ? () => {} : (ttyRenderer?.event ?? new PlainRenderer(write).event);
  // Ctrl-C (or SIGTERM) cancels the build: the running steps are killed, their mounts and work
  // dirs removed; a second Ctrl-C leaves at once.
  const cancel = new AbortController();
  const onSignal = () => {
    if (cancel.signal.aborted) process.exit(130);
    cancel.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const result = await ctx.backend.build(request, onEvent, cancel.signal);
    ttyRenderer?.finish(false);
    return { id: result.id };
  } catch (err) {
    ttyRenderer?.finish(true);
    ctx.stderr.write(formatBuildError(err));
    return { status: cancel.signal.aborted ? 130 : 1 };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
