// Verbs on a container's filesystem and images made from one: diff, export, commit, and import (a
// root filesystem tarball, such as export writes, made an image). All go through the daemon.
import { createReadStream } from 'node:fs';
import { flagBool, flagList, flagString } from '../../args';
import { exportOnDaemon, importOnDaemon, repoAndTag } from '../../daemon/images';
import { archiveOutputAllowed, writeArchive } from '../archive-output';
import type { Command } from '../command';

const containerPath = (id: string, action: string): string =>
  `/containers/${encodeURIComponent(id)}${action}`;

const changeFlag = {
  name: 'change',
  short: 'c',
  type: 'list' as const,
  description: 'Apply Dockerfile instruction to the created image',
  value: 'list',
};
const messageFlag = {
  name: 'message',
  short: 'm',
  type: 'string' as const,
  description: 'Commit message',
  value: 'string',
};

/** docker's `Kind` of a change: 0 changed, 1 added, 2 deleted. */
const changeKinds = ['C', 'A', 'D'];

export const diff: Command = {
  name: 'diff',
  usage: 'berth diff CONTAINER',
  summary: "Inspect changes to files or directories on a container's filesystem",
  engine: 'daemon',
  flags: [],
  args: [1, 1],
  complete: ['container'],
  async run(ctx, args) {
    const daemon = await ctx.daemon();
    const changes = await daemon.get<{ Path: string; Kind: number }[] | null>(
      containerPath(args.positional[0], '/changes'),
    );
    for (const c of changes ?? []) ctx.stdout.write(`${changeKinds[c.Kind] ?? '?'} ${c.Path}\n`);
  },
};

export const exportContainer: Command = {
  name: 'export',
  usage: 'berth export [OPTIONS] CONTAINER',
  summary: "Export a container's filesystem as a tar archive",
  engine: 'daemon',
  flags: [
    {
      name: 'output',
      short: 'o',
      type: 'string',
      description: 'Write to a file, instead of STDOUT',
      value: 'string',
    },
  ],
  args: [1, 1],
  complete: ['container'],
  async run(ctx, args) {
    const output = flagString(args, 'output');
    if (!archiveOutputAllowed(ctx, output)) return 1;
    const daemon = await ctx.daemon();
    await writeArchive(ctx, await exportOnDaemon(daemon, args.positional[0]), output);
  },
};

export const commit: Command = {
  name: 'commit',
  usage: 'berth commit [OPTIONS] CONTAINER [REPOSITORY[:TAG]]',
  summary: "Create a new image from a container's changes",
  engine: 'daemon',
  flags: [
    { name: 'author', short: 'a', type: 'string', description: 'Author', value: 'string' },
    changeFlag,
    messageFlag,
    {
      name: 'no-pause',
      type: 'boolean',
      description: 'Do not pause the container during commit',
    },
  ],
  args: [1, 2],
  complete: ['container', 'image'],
  async run(ctx, args) {
    const [container, reference] = args.positional;
    const daemon = await ctx.daemon();
    const { Id } = await daemon.post<{ Id: string }>(
      '/commit',
      {},
      {
        container,
        ...(reference && repoAndTag(reference)),
        comment: flagString(args, 'message'),
        author: flagString(args, 'author'),
        pause: flagBool(args, 'no-pause') ? 'false' : undefined,
        changes: flagList(args, 'change'),
      },
    );
    ctx.stdout.write(`${Id}\n`);
  },
};

export const importTarball: Command = {
  name: 'import',
  usage: 'berth import [OPTIONS] file|- [REPOSITORY[:TAG]]',
  summary: 'Import the contents from a tarball to create a filesystem image',
  engine: 'daemon',
  flags: [
    changeFlag,
    { ...messageFlag, description: 'Set commit message for imported image' },
    {
      name: 'platform',
      type: 'string',
      description: 'Set platform if server is multi-platform capable',
      value: 'string',
    },
  ],
  args: [1, 2],
  complete: ['file', 'image'],
  async run(ctx, args) {
    const [file, reference] = args.positional;
    if (file === '-' && ctx.stdin.isTTY) {
      ctx.stderr.write(
        'requested import from stdin, but stdin is a terminal; give a file or redirect a tarball\n',
      );
      return 1;
    }
    const daemon = await ctx.daemon();
    const query = {
      ...(reference && repoAndTag(reference)),
      message: flagString(args, 'message'),
      changes: flagList(args, 'change'),
      platform: flagString(args, 'platform'),
    };
    const tarball = file === '-' ? ctx.stdin : createReadStream(file);
    await importOnDaemon(daemon, tarball, query, (m) => {
      if (m.status) ctx.stdout.write(`${m.status}\n`);
    });
  },
};
