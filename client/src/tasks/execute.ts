// What berth-build and berth-run tasks do once started (tasks/taskProvider.ts makes the tasks).
import type Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import type * as vscode from 'vscode';

import { BuildFailedError, runBuild } from '../build/runBuild';
import type { CommandContext } from '../commands/context';
import { engineMessage } from '../commands/errors';
import type { OutputTerminal } from '../terminals/outputTerminal';
import {
  buildRequestFrom,
  runOptionsFrom,
  type BuildTaskDefinition,
  type RunTaskDefinition,
} from './definitions';

/** Runs the task's work, writing to `output`; resolves with the exit code to report. */
export async function executeTask(
  context: CommandContext,
  definition: BuildTaskDefinition | RunTaskDefinition,
  folder: vscode.WorkspaceFolder,
  output: OutputTerminal,
): Promise<number> {
  try {
    const docker = await context.engine.client();
    if (definition.type === 'berth-build') {
      await runBuild(
        docker,
        buildRequestFrom(definition, folder.uri.fsPath),
        (text) => output.write(text),
        output.signal,
      );
      context.views.refresh('images');
      return 0;
    }
    return await runTask(docker, definition, folder, output);
  } catch (err) {
    // A failed build has already printed its error (and the problem matcher's line).
    if (!(err instanceof BuildFailedError)) output.write(`\x1b[31m${engineMessage(err)}\x1b[0m\n`);
    return 1;
  }
}

async function runTask(
  docker: Docker,
  definition: RunTaskDefinition,
  folder: vscode.WorkspaceFolder,
  output: OutputTerminal,
): Promise<number> {
  const options = runOptionsFrom(definition, folder.uri.fsPath, process.env.HOME ?? '/');
  const container = await docker.createContainer(options);
  if (definition.detach ?? true) {
    await container.start();
    const info = await container.inspect();
    output.write(
      `Started ${info.Name.replace(/^\//, '')} (${container.id.slice(0, 12)}) from ${definition.image}\n`,
    );
    return 0;
  }
  const stream = (await container.attach({
    stream: true,
    stdout: true,
    stderr: true,
  })) as unknown as NodeJS.ReadableStream;
  // Wait for the exit before starting (as `docker run` does), so an auto-removed container cannot be
  // gone before the wait is in place.
  const exit = container.wait({ condition: 'next-exit' }) as Promise<{ StatusCode: number }>;
  const merged = new PassThrough();
  docker.modem.demuxStream(stream, merged, merged);
  merged.on('data', (chunk: Buffer) => output.write(chunk.toString()));
  output.signal.addEventListener('abort', () => void container.stop().catch(() => undefined));
  await container.start();
  const result = await exit;
  output.write(`\n${definition.image} exited with code ${result.StatusCode}\n`);
  return result.StatusCode;
}
