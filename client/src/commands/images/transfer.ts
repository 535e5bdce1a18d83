// Pull and push with a cancellable progress notification (shared by Pull, Push and Run Container).
import type Docker from 'dockerode';
import * as vscode from 'vscode';

import { followJsonLines } from '../../engine/jsonLines';
import { ProgressTracker, type ProgressMessage } from '../../engine/progress';
import type { CommandContext } from '../context';
import { splitReference } from './reference';

async function transfer(
  title: string,
  verb: 'Downloading' | 'Uploading',
  start: (signal: AbortSignal) => Promise<NodeJS.ReadableStream>,
): Promise<void> {
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      const tracker = new ProgressTracker();
      let reported = 0;
      const stream = await start(abort.signal);
      await followJsonLines<ProgressMessage>(stream, (message) => {
        tracker.update(message);
        const fraction = tracker.fraction();
        const increment = fraction === undefined ? undefined : Math.max(0, fraction * 100 - reported);
        if (increment) reported += increment;
        progress.report({ message: tracker.summary(verb), increment });
      }).catch((err: Error) => {
        if (token.isCancellationRequested) throw new vscode.CancellationError();
        throw err;
      });
    },
  );
}

/** Pulls `ref` (docker pull), resolving once the engine has it. */
export async function pullImage(context: CommandContext, ref: string): Promise<void> {
  const docker = await context.engine.client();
  await transfer(
    `Pulling ${ref}`,
    'Downloading',
    (abortSignal) => docker.pull(ref, { abortSignal }) as Promise<NodeJS.ReadableStream>,
  );
  context.views.refresh('images');
}

/** Pushes `ref` (docker push) to its registry. */
export async function pushImage(context: CommandContext, ref: string): Promise<void> {
  const docker = await context.engine.client();
  const { repository, tag } = splitReference(ref);
  await transfer(
    `Pushing ${ref}`,
    'Uploading',
    (abortSignal) =>
      docker.getImage(repository).push({ tag, abortSignal } as Docker.ImagePushOptions & {
        abortSignal: AbortSignal;
      }) as Promise<NodeJS.ReadableStream>,
  );
}
