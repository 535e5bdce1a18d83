// Terminal sessions over the engine's streams: a container's logs, a shell exec'd in it with a real
// PTY, and a container's own TTY (Run Interactive). All go through dockerode's hijacked streams.
import type Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import type * as vscode from 'vscode';

import { notice, type TerminalSession } from './sessionTerminal';

type Duplex = NodeJS.ReadWriteStream & { destroy(): void; end(): void };

/**
 * The command that starts the shell: the user's choice, or bash when the image has it and sh
 * otherwise (asked inside the container, where the answer is).
 */
export function shellCommand(configured: string): string[] {
  if (configured.trim()) return ['/bin/sh', '-c', `exec ${configured}`];
  return ['/bin/sh', '-c', 'if [ -x /bin/bash ]; then exec /bin/bash; else exec /bin/sh; fi'];
}

/** Follows a container's logs (stdout and stderr, as `docker logs -f --tail`). */
export async function logsSession(docker: Docker, id: string, tail: number): Promise<TerminalSession> {
  const container = docker.getContainer(id);
  const info = await container.inspect();
  const abort = new AbortController();
  const raw = (await container.logs({
    follow: true,
    stdout: true,
    stderr: true,
    tail: tail > 0 ? tail : 'all',
    abortSignal: abort.signal,
  } as Docker.ContainerLogsOptions & { follow: true })) as unknown as NodeJS.ReadableStream;
  let output: NodeJS.ReadableStream = raw;
  if (!info.Config.Tty) {
    // Without a TTY the engine multiplexes stdout and stderr into framed chunks.
    const merged = new PassThrough();
    docker.modem.demuxStream(raw, merged, merged);
    raw.on('end', () => merged.end());
    output = merged;
  }
  const done = new Promise<string | undefined>((resolve) => {
    raw.on('end', () => resolve(notice('[end of logs: the container stopped]')));
    raw.on('error', (err: Error) =>
      resolve(abort.signal.aborted ? undefined : notice(`[logs stopped: ${err.message}]`)),
    );
  });
  return { output, done, close: () => abort.abort() };
}

/** A shell in a running container, on a PTY the terminal resizes (as `docker exec -it`). */
export async function execShellSession(docker: Docker, id: string, shell: string): Promise<TerminalSession> {
  const exec = await docker.getContainer(id).exec({
    Cmd: shellCommand(shell),
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: true,
    Env: ['TERM=xterm-256color'],
  });
  const stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as unknown as Duplex;
  const done = new Promise<string | undefined>((resolve, reject) => {
    stream.on('end', () => resolve(undefined));
    stream.on('error', reject);
  });
  return {
    output: stream,
    done,
    write: (data) => stream.write(data),
    resize: (d: vscode.TerminalDimensions) => {
      exec.resize({ h: d.rows, w: d.columns }).catch(() => undefined);
    },
    close: () => stream.end(),
  };
}

/**
 * Attaches to a created container's TTY, then starts it (attach first, so no output is lost), as
 * `docker run -it`. The session ends when the container exits.
 */
export async function attachAndStartSession(docker: Docker, id: string): Promise<TerminalSession> {
  const container = docker.getContainer(id);
  const stream = (await container.attach({
    stream: true,
    stdin: true,
    stdout: true,
    stderr: true,
    hijack: true,
  })) as unknown as Duplex;
  await container.start();
  const done = new Promise<string | undefined>((resolve, reject) => {
    stream.on('end', () => {
      container.wait().then(
        (result: { StatusCode: number }) =>
          resolve(notice(`[container exited with code ${result.StatusCode}]`)),
        () => resolve(notice('[container exited]')),
      );
    });
    stream.on('error', reject);
  });
  return {
    output: stream,
    done,
    write: (data) => stream.write(data),
    resize: (d: vscode.TerminalDimensions) => {
      container.resize({ h: d.rows, w: d.columns }).catch(() => undefined);
    },
    close: () => stream.end(),
  };
}
