// Turning failures into messages that say what happened, to what, and what to do next.
import * as vscode from 'vscode';

import { isEngineUnavailable } from '../engine/connection';

/** dockerode rejects with the engine's status code and its JSON error body. */
interface EngineError extends Error {
  statusCode?: number;
  json?: { message?: string } | null;
  reason?: string;
}

/** The engine's own words for a failed request, or the error's message. */
export function engineMessage(err: unknown): string {
  const e = err as EngineError;
  const fromEngine = e?.json?.message;
  if (fromEngine) return `${fromEngine.trim()} (HTTP ${e.statusCode})`;
  return e?.message ?? String(err);
}

/** The HTTP status the engine answered with, if the error came from the engine. */
export function engineStatus(err: unknown): number | undefined {
  return (err as EngineError)?.statusCode;
}

/** Shows `action` failed (e.g. "Could not stop container web") with the reason and useful buttons. */
export async function showFailure(action: string, err: unknown): Promise<void> {
  if (err instanceof vscode.CancellationError || (err as Error)?.name === 'AbortError') return;
  if (isEngineUnavailable(err)) {
    const choice = await vscode.window.showErrorMessage(
      `${action}: ${err.message}`,
      'Start Engine',
      'Show Engine Logs',
      'Connect to a Socket…',
    );
    const commands: Record<string, string> = {
      'Start Engine': 'berth.engine.start',
      'Show Engine Logs': 'berth.engine.showLogs',
      'Connect to a Socket…': 'berth.engine.connect',
    };
    if (choice) await vscode.commands.executeCommand(commands[choice]);
    return;
  }
  await vscode.window.showErrorMessage(`${action}: ${engineMessage(err)}`);
}

/**
 * Wraps a command so that a failure becomes one clear message instead of an unhandled rejection.
 * Resolves with the command's result (undefined after a failure).
 */
export function guarded<A extends unknown[], R>(
  what: string,
  run: (...args: A) => Promise<R>,
): (...args: A) => Promise<R | undefined> {
  return async (...args: A) => {
    try {
      return await run(...args);
    } catch (err) {
      void showFailure(`Berth could not ${what}`, err);
      return undefined;
    }
  };
}
