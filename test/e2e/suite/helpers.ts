// What e2e tests use to drive the real editor. Every wait here is on an event with a deadline;
// nothing sleeps. See docs/development.md ("E2E tests") for how to write a test with these.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

import type { BerthApi } from '../../../client/src/api';

export const EXTENSION_ID = 'berth.berth';
const DEFAULT_TIMEOUT_MS = 20_000;

/** Activates Berth (if the editor has not already) and returns its API once the language server runs. */
export async function activateBerth(): Promise<BerthApi> {
  const extension = vscode.extensions.getExtension<BerthApi>(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} is not installed in this editor`);
  const api = await extension.activate();
  // Berth starts its language server when a Dockerfile opens, not during activation.
  await api.languageServerReady();
  return api;
}

/** The fixture workspace folder (a copy of test/e2e/fixtures/workspace; tests may change it). */
export function workspaceFolder(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the e2e editor has no workspace folder open');
  return folder.uri;
}

export function workspaceFile(relative: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceFolder(), ...relative.split('/'));
}

/** Opens a file of the fixture workspace in an editor and focuses it. */
export async function openFixture(relative: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(workspaceFile(relative));
  return vscode.window.showTextDocument(document, { preview: false });
}

let scratchCount = 0;

/**
 * Writes `content` to a new file in the workspace (under scratch/, named `name` or scratch-N/Dockerfile)
 * and opens it: the way to test a Dockerfile written inline in the test.
 */
export async function openDockerfile(content: string, name?: string): Promise<vscode.TextEditor> {
  const relative = `scratch/${name ?? `scratch-${++scratchCount}/Dockerfile`}`;
  const uri = workspaceFile(relative);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(content));
  return openFixture(relative);
}

/**
 * Resolves with the diagnostics VS Code shows for `uri` as soon as `until` accepts them (default:
 * at least one). Checks the current state first, then every change, and fails after `timeoutMs`
 * with the diagnostics it last saw.
 */
export function waitForDiagnostics(
  uri: vscode.Uri,
  until: (diagnostics: vscode.Diagnostic[]) => boolean = (d) => d.length > 0,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<vscode.Diagnostic[]> {
  const current = vscode.languages.getDiagnostics(uri);
  if (until(current)) return Promise.resolve(current);
  return waitForEvent(
    vscode.languages.onDidChangeDiagnostics,
    (e) => e.uris.some((u) => u.toString() === uri.toString()) && until(vscode.languages.getDiagnostics(uri)),
    timeoutMs,
    () => `diagnostics of ${uri.fsPath}; last seen: ${describe(vscode.languages.getDiagnostics(uri))}`,
  ).then(() => vscode.languages.getDiagnostics(uri));
}

/**
 * Runs `edit` (e.g. opening or changing a document) and resolves with the first diagnostics the
 * language server publishes for `uri` afterwards, even an empty list: the way to assert that a
 * Dockerfile has no findings. Subscribes before `edit` runs, so a fast server is not missed.
 */
export async function nextDiagnostics(
  uri: vscode.Uri,
  edit: () => Thenable<unknown>,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<vscode.Diagnostic[]> {
  const published = waitForEvent(
    vscode.languages.onDidChangeDiagnostics,
    (e) => e.uris.some((u) => u.toString() === uri.toString()),
    timeoutMs,
    () => `diagnostics to be published for ${uri.fsPath}`,
  );
  await edit();
  await published;
  return vscode.languages.getDiagnostics(uri);
}

/** Resolves with the first event that `accept` takes; rejects after `timeoutMs`, naming `what`. */
export function waitForEvent<T>(
  event: vscode.Event<T>,
  accept: (value: T) => boolean,
  timeoutMs: number,
  what: () => string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`));
    }, timeoutMs);
    const subscription = event((value) => {
      if (!accept(value)) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(value);
    });
  });
}

/** Completion items VS Code gets from all providers at `position`. */
export async function completionsAt(
  uri: vscode.Uri,
  position: vscode.Position,
): Promise<vscode.CompletionItem[]> {
  const list = await vscode.commands.executeCommand<vscode.CompletionList>(
    'vscode.executeCompletionItemProvider',
    uri,
    position,
  );
  return list.items;
}

/** Hovers at `position`, their contents flattened to plain strings. */
export async function hoverTextAt(uri: vscode.Uri, position: vscode.Position): Promise<string[]> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
    'vscode.executeHoverProvider',
    uri,
    position,
  );
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)));
}

/** Quick fixes offered for `range` (code actions of kind quickfix). */
export async function quickFixesAt(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
    'vscode.executeCodeActionProvider',
    uri,
    range,
    vscode.CodeActionKind.QuickFix.value,
  );
  return actions.filter(
    (a): a is vscode.CodeAction => 'title' in a && !('command' in a && typeof a.command === 'string'),
  );
}

export interface ScreenshotOptions {
  /** CSS selector the driver waits for (visible) before capturing, e.g. '.suggest-widget.visible'. */
  waitForSelector?: string;
}

/**
 * Asks the runner outside the editor to capture the workbench into test-results/screenshots/<name>.png
 * and resolves with that path once the file is written.
 */
export async function screenshot(name: string, options: ScreenshotOptions = {}): Promise<string> {
  const driver = process.env.BERTH_E2E_DRIVER;
  assert.ok(driver, 'BERTH_E2E_DRIVER is not set: run e2e tests through `npm run test:e2e`');
  const response = await fetch(`${driver}/screenshot`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, ...options }),
  });
  const body = (await response.json()) as { path?: string; error?: string };
  if (!response.ok || !body.path)
    throw new Error(`screenshot ${name} failed: ${body.error ?? response.status}`);
  return body.path;
}

function describe(diagnostics: vscode.Diagnostic[]): string {
  if (diagnostics.length === 0) return 'none';
  return diagnostics
    .map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}`)
    .join('; ');
}

async function driverRequest<T>(route: string, body: object): Promise<T> {
  const driver = process.env.BERTH_E2E_DRIVER;
  assert.ok(driver, 'BERTH_E2E_DRIVER is not set: run e2e tests through `npm run test:e2e`');
  const response = await fetch(`${driver}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as T & { error?: string };
  if (!response.ok) throw new Error(`driver ${route} failed: ${answer.error ?? response.status}`);
  return answer;
}

export interface KeyboardInput {
  /** First wait until an element matching this CSS selector shows (e.g. '.quick-input-widget'). */
  readonly waitFor?: string;
  /** …and contains this text (e.g. the prompt of a quick input step). */
  readonly hasText?: string;
  /** Text to type into whatever has focus. */
  readonly type?: string;
  /** Keys to press after typing, in Playwright's names: 'Enter', 'F1', 'Control+a'. */
  readonly press?: readonly string[];
}

/** Types and presses keys in the workbench, as a user at the keyboard; resolves once the page took them. */
export async function keyboard(input: KeyboardInput): Promise<void> {
  await driverRequest('/keyboard', input);
}

/** The text shown by every element matching `selector` in the workbench (e.g. a terminal's rows). */
export async function workbenchText(selector: string): Promise<string[]> {
  return (await driverRequest<{ texts: string[] }>('/text', { selector })).texts;
}

/**
 * Resolves once `check()` is true, re-checking when `event` fires (and at most every `everyMs`
 * for what no event announces, such as text drawn in the workbench); fails after `timeoutMs`
 * with `what()`.
 */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  options: { event?: vscode.Event<unknown>; everyMs?: number; timeoutMs?: number; what: () => string },
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${options.what()}`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, Math.min(options.everyMs ?? 250, Math.max(0, deadline - Date.now())));
      const subscription = options.event?.(done);
      function done() {
        clearTimeout(timer);
        subscription?.dispose();
        resolve();
      }
    });
  }
}
