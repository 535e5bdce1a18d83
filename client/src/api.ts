// What the extension's activate() returns: other extensions and the e2e suite read it through
// vscode.extensions.getExtension('berth.berth').exports.
import type { Event } from 'vscode';

export type BerthViewName = 'containers' | 'images' | 'volumes' | 'networks';

/**
 * A row of a Berth view, as shown. It is the view's own element: passing it to a Berth command
 * (`executeCommand('berth.containers.stop', item)`) is what clicking its menu entry does.
 */
export interface BerthViewItem {
  readonly label: string;
  readonly description: string;
  /** `runningContainer`, `exitedContainer`, `image`, `composeGroup`… */
  readonly contextValue: string;
  /** Rows under this one (a compose project's containers). */
  readonly children?: readonly BerthViewItem[];
}

export interface BerthApi {
  /** The language server's own name and version from its initialize result, once it is running. */
  languageServerInfo(): { name: string; version?: string } | undefined;
  /** Starts the language server if no Dockerfile has started it yet; resolves once it runs. */
  languageServerReady(): Promise<void>;
  /** Milliseconds spent loading the extension's code plus running activate() (as VS Code counts it). */
  readonly activationMs: number;
  /** The engine connection: `connected`, `unreachable`, `starting`… and why when unreachable. */
  engineState(): { kind: string; reason?: string; engine?: string };
  /** Fires when the engine connection changes state. */
  readonly onDidChangeEngineState: Event<{ kind: string }>;
  /** The rows a view showed after its last load. */
  viewItems(view: BerthViewName): readonly BerthViewItem[];
  /** Fires after a view reloaded, with its name. */
  readonly onDidLoadView: Event<BerthViewName>;
}
