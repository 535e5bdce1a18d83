// What every command gets besides the node(s) it runs on.
import type * as vscode from 'vscode';

import type { BuildDiagnostics } from '../build/diagnostics';
import type { EngineConnection } from '../engine/connection';
import type { InspectDocuments } from '../inspect/documents';
import type { RunChoicesStore } from '../run/choicesStore';
import type { Views } from '../tree/views';

export interface CommandContext {
  readonly extension: vscode.ExtensionContext;
  readonly engine: EngineConnection;
  readonly views: Views;
  readonly log: vscode.LogOutputChannel;
  readonly inspect: InspectDocuments;
  readonly buildDiagnostics: BuildDiagnostics;
  readonly runChoices: RunChoicesStore;
}
