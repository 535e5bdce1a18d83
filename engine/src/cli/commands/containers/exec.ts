// `berth exec`: a new process in a running container, attached like docker exec, exiting with its
// exit code.
import { flagBool, flagList, flagString } from '../../args';
import { pumpHijacked } from '../../daemon/streams';
import type { Command } from '../command';
import { createFlag } from './create-options';
import { resizeWith } from './terminal';

export const exec: Command = {
  name: 'exec',
  usage: 'berth exec [OPTIONS] CONTAINER COMMAND [ARG...]',
  summary: 'Execute a command in a running container',
  engine: 'daemon',
  stopAtPositional: true,
  flags: [
    {
      name: 'detach',
      short: 'd',
      type: 'boolean',
      description: 'Detached mode: run command in the background',
    },
    ...['interactive', 'tty', 'env', 'user', 'workdir'].map(createFlag),
    { name: 'privileged', type: 'boolean', description: 'Give extended privileges to the command' },
  ],
  args: [2],
  complete: ['container'],
  async run(ctx, args) {
    const daemon = await ctx.daemon();
    const [container, ...cmd] = args.positional;
    const detach = flagBool(args, 'detach');
    const tty = flagBool(args, 'tty');
    const stdin = flagBool(args, 'interactive') && !detach;
    const user = flagString(args, 'user');
    const workdir = flagString(args, 'workdir');
    const { Id } = await daemon.post<{ Id: string }>(`/containers/${encodeURIComponent(container)}/exec`, {
      AttachStdin: stdin,
      AttachStdout: !detach,
      AttachStderr: !detach,
      Tty: tty,
      Env: flagList(args, 'env').map((e) => (e.includes('=') ? e : `${e}=${process.env[e] ?? ''}`)),
      Cmd: cmd,
      Privileged: flagBool(args, 'privileged'),
      ...(user && { User: user }),
      ...(workdir && { WorkingDir: workdir }),
    });
    if (detach) {
      await daemon.post(`/exec/${Id}/start`, { Detach: true, Tty: tty });
      return 0;
    }
    const socket = await daemon.hijack(`/exec/${Id}/start`, undefined, { Detach: false, Tty: tty });
    const stopResizing = tty
      ? resizeWith(ctx, (h, w) => daemon.post(`/exec/${Id}/resize`, undefined, { h, w }))
      : () => {};
    try {
      await pumpHijacked(socket, ctx, { tty, stdin });
    } finally {
      stopResizing();
    }
    const inspect = await daemon.get<{ ExitCode: number | null }>(`/exec/${Id}/json`);
    return inspect.ExitCode ?? 0;
  },
};
