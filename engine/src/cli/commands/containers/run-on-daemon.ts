// `berth run` and `berth create` through the daemon, in the order the docker CLI uses: create
// (pulling the image when the daemon has none), attach before start so no output is missed, wait
// registered before start, start, stream, and exit with the container's status.
import { flagBool, flagString, type ParsedArgs } from '../../args';
import { DaemonError, type DaemonApi } from '../../daemon/client';
import { pullOnDaemon } from '../../daemon/images';
import { pumpHijacked } from '../../daemon/streams';
import type { CliContext } from '../command';
import { createBody } from './create-options';
import { proxySignals, resizeWith } from './terminal';

export async function createContainer(ctx: CliContext, daemon: DaemonApi, args: ParsedArgs): Promise<string> {
  const [image, ...cmd] = args.positional;
  const body = createBody(args, image, cmd);
  const query = { name: flagString(args, 'name') };
  try {
    return (await daemon.post<{ Id: string }>('/containers/create', body, query)).Id;
  } catch (err) {
    if (!(err instanceof DaemonError) || err.status !== 404 || !/No such image/i.test(err.message)) throw err;
  }
  ctx.stderr.write(`Unable to find image '${image}' locally\n`);
  await pullOnDaemon(daemon, image, undefined, (m) => {
    if (m.id === undefined) ctx.stderr.write(`${m.status}\n`);
  });
  return (await daemon.post<{ Id: string }>('/containers/create', body, query)).Id;
}

export async function runOnDaemon(ctx: CliContext, daemon: DaemonApi, args: ParsedArgs): Promise<number> {
  const id = await createContainer(ctx, daemon, args);
  const path = `/containers/${id}`;
  if (flagBool(args, 'detach')) {
    await daemon.post(`${path}/start`);
    ctx.stdout.write(`${id}\n`);
    return 0;
  }
  const tty = flagBool(args, 'tty');
  const stdin = flagBool(args, 'interactive');
  const autoRemove = flagBool(args, 'rm');
  const socket = await daemon.hijack(`${path}/attach`, {
    stream: 1,
    stdin: stdin ? 1 : undefined,
    stdout: 1,
    stderr: 1,
  });
  const exited = daemon.post<{ StatusCode: number; Error?: { Message: string } }>(`${path}/wait`, undefined, {
    condition: autoRemove ? 'removed' : 'next-exit',
  });
  const streamed = pumpHijacked(socket, ctx, { tty, stdin });
  try {
    await daemon.post(`${path}/start`);
  } catch (err) {
    socket.destroy();
    if (autoRemove) await daemon.delete(path, { force: true }).catch(() => undefined);
    throw err;
  }
  const stopResizing = tty
    ? resizeWith(ctx, (h, w) => daemon.post(`${path}/resize`, undefined, { h, w }))
    : () => {};
  const stopProxying = tty
    ? () => {}
    : proxySignals((signal) => daemon.post(`${path}/kill`, undefined, { signal }));
  try {
    await streamed;
    const result = await exited;
    if (result.Error?.Message) ctx.stderr.write(`${result.Error.Message}\n`);
    return result.StatusCode;
  } finally {
    stopResizing();
    stopProxying();
  }
}
