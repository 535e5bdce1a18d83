// `berth attach`: the terminal joins a running container's stdio, as with `docker attach`. Input
// goes to the container while it keeps stdin open (`-i` at create); the detach keys (ctrl-p,
// ctrl-q unless --detach-keys says otherwise) leave it running. The exit status is the
// container's when it ended, 0 when the user detached.
import { DetachWatcher, defaultDetachKeys, parseDetachKeys } from '../../../api/framing';
import type { ContainerInspect } from '../../../api/types';
import { flagBool, flagString, UsageError } from '../../args';
import { pumpHijacked } from '../../daemon/streams';
import type { Command } from '../command';
import { proxySignals, resizeWith } from './terminal';

export const attach: Command = {
  name: 'attach',
  usage: 'berth attach [OPTIONS] CONTAINER',
  summary: 'Attach local standard input, output, and error streams to a running container',
  engine: 'daemon',
  flags: [
    { name: 'no-stdin', type: 'boolean', description: 'Do not attach STDIN' },
    {
      name: 'detach-keys',
      type: 'string',
      description: 'Override the key sequence for detaching a container',
      value: 'string',
    },
    {
      name: 'sig-proxy',
      type: 'boolean',
      description: 'Proxy all received signals to the process (default true)',
    },
  ],
  args: [1, 1],
  complete: ['container'],
  async run(ctx, args) {
    const [name] = args.positional;
    const detachKeys = flagString(args, 'detach-keys');
    let keys: Buffer = defaultDetachKeys;
    if (detachKeys !== undefined && detachKeys !== '') {
      try {
        keys = parseDetachKeys(detachKeys);
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
    }
    const daemon = await ctx.daemon();
    const path = `/containers/${encodeURIComponent(name)}`;
    const container = await daemon.get<ContainerInspect>(`${path}/json`);
    if (!container.State.Running) throw new Error('You cannot attach to a stopped container, start it first');
    if (container.State.Paused) throw new Error('You cannot attach to a paused container, unpause it first');
    const tty = container.Config.Tty === true;
    const stdin = container.Config.OpenStdin === true && !flagBool(args, 'no-stdin');
    const socket = await daemon.hijack(`${path}/attach`, {
      stream: 1,
      stdin: stdin ? 1 : undefined,
      stdout: 1,
      stderr: 1,
      detachKeys,
    });

    // The daemon ends the stream on the detach keys as on the container's exit: watch the input
    // the same way to tell which of the two it was.
    const watcher = new DetachWatcher(keys);
    const watch = (chunk: Buffer) => void watcher.filter(chunk);
    if (stdin) ctx.stdin.on('data', watch);
    const stopResizing = tty
      ? resizeWith(ctx, (h, w) => daemon.post(`${path}/resize`, undefined, { h, w }))
      : () => {};
    const stopProxying =
      !tty && args.flags.get('sig-proxy') !== false
        ? proxySignals((signal) => daemon.post(`${path}/kill`, undefined, { signal }))
        : () => {};
    try {
      await pumpHijacked(socket, ctx, { tty, stdin });
    } finally {
      stopResizing();
      ctx.stdin.off('data', watch);
      stopProxying();
    }
    if (watcher.detached) return 0;
    const result = await daemon.post<{ StatusCode: number }>(`${path}/wait`, undefined, {
      condition: 'not-running',
    });
    return result.StatusCode;
  },
};
