// A read-only terminal for output the extension produces (builds, task runs): text written before the
// terminal opens is kept, and the terminal can close with an exit code (what a task needs).
import * as vscode from 'vscode';

import { toCrLf } from './sessionTerminal';

export class OutputTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  readonly onDidWrite = this.writeEmitter.event;
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  readonly onDidClose = this.closeEmitter.event;
  private readonly abort = new AbortController();
  private buffered: string[] | undefined = [];
  private readonly opened: Promise<void>;
  private markOpened!: () => void;

  constructor(
    /** Where input would go; output terminals only take Ctrl+C, which cancels. */
    private readonly onCancel?: () => void,
  ) {
    this.opened = new Promise((resolve) => (this.markOpened = resolve));
  }

  /** Aborted when the user closes the terminal or presses Ctrl+C. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** Resolves once VS Code has opened the terminal (a task's work starts then). */
  whenOpened(): Promise<void> {
    return this.opened;
  }

  open(): void {
    for (const text of this.buffered ?? []) this.writeEmitter.fire(text);
    this.buffered = undefined;
    this.markOpened();
  }

  close(): void {
    this.abort.abort();
    this.onCancel?.();
  }

  handleInput(data: string): void {
    if (data === '\x03') {
      this.write('^C\n');
      this.abort.abort();
      this.onCancel?.();
    }
  }

  /** Writes text with \n line ends. */
  write(text: string): void {
    const converted = toCrLf(text);
    if (this.buffered) this.buffered.push(converted);
    else this.writeEmitter.fire(converted);
  }

  /** Ends the terminal (tasks): VS Code reports the exit code. */
  exit(code: number): void {
    this.closeEmitter.fire(code);
  }
}
