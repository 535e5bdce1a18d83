// Shared state and helpers of the extension's e2e tests (containers.test.ts runs them once per
// engine): the engine under test, the extension's API, and ways to wait for what the user sees.
import { randomBytes } from 'node:crypto';

import type { BerthApi, BerthViewItem, BerthViewName } from '../../../../client/src/api';
import { waitUntil, workbenchText } from '../helpers';
import type { TestEngine } from './testEngine';

export const QUICK_INPUT = '.quick-input-widget';
export const QUICK_ROW = '.quick-input-list .monaco-list-row';
export const TERMINAL_ROWS = '.terminal-wrapper.active .xterm-rows';

export interface Session {
  engine: TestEngine;
  api: BerthApi;
  /** In every name the tests create, so runs side by side never collide. */
  readonly suffix: string;
}

export const session: Session = { suffix: randomBytes(3).toString('hex') } as Session;

export function item(view: BerthViewName, label: string): BerthViewItem | undefined {
  const rows = session.api.viewItems(view).flatMap((i) => [i, ...(i.children ?? [])]);
  return rows.find((i) => i.label === label);
}

/** Waits until the view shows a row `label` that `accept` takes, and returns it. */
export async function waitForRow(
  view: BerthViewName,
  label: string,
  accept: (i: BerthViewItem) => boolean = () => true,
): Promise<BerthViewItem> {
  await waitUntil(() => Boolean(item(view, label) && accept(item(view, label)!)), {
    event: session.api.onDidLoadView,
    what: () =>
      `${label} in the ${view} view; it shows ${JSON.stringify(session.api.viewItems(view).map((i) => `${i.label} ${i.contextValue}`))}`,
  });
  return item(view, label)!;
}

/** Waits until the view no longer shows a row `label`. */
export async function waitForNoRow(view: BerthViewName, label: string): Promise<void> {
  await waitUntil(() => !item(view, label), {
    event: session.api.onDidLoadView,
    what: () => `${label} to leave the ${view} view`,
  });
}

/** Waits until the active terminal shows `text` on screen. */
export async function waitForTerminalText(text: string): Promise<void> {
  let last: string[] = [];
  await waitUntil(
    async () => {
      last = await workbenchText(TERMINAL_ROWS);
      return last.some((t) => t.includes(text));
    },
    { what: () => `"${text}" in the terminal; it shows: ${last.join('\n').slice(-500)}` },
  );
}

/** Screenshots of the product path (berthd) keep the plain names; the reference run's get a suffix. */
export function shot(name: string): string {
  return session.engine.kind === 'dockerd' ? `${name}-dockerd` : name;
}

/** Runs `image` to completion and returns its output. */
export async function runAndCollect(image: string): Promise<string> {
  const docker = session.engine.docker;
  const container = await docker.createContainer({ Image: image, Tty: true });
  try {
    await container.start();
    await container.wait();
    const logs = await container.logs({ stdout: true, stderr: true });
    return logs.toString();
  } finally {
    await container.remove({ force: true });
  }
}
