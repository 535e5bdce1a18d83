// A terminal in the editor over an engine stream: logs, an exec'd shell, an attached container, a
// build. VS Code's Pseudoterminal is the editor side; a TerminalSession is the engine side.
import { StringDecoder } from 'node:string_decoder';
import * as vscode from 'vscode';

export interface TerminalSession {
  /** What to show: raw bytes from a TTY, or text. */
  readonly output: NodeJS.ReadableStream;
  /** Keystrokes typed into the terminal (absent for read-only sessions such as logs). */
  write?(data: string): void;
  /** The terminal's size changed (a TTY session passes it on to the process). */
  resize?(dimensions: vscode.TerminalDimensions): void;
  /** The user closed the terminal: end the session. */
  close(): void;
  /** Resolves when the session is over, with a line to print then (e.g. the exit code). */
  readonly done: Promise<string | undefined>;
}

export interface SessionTerminalOptions {
  /** Output from a process without a TTY uses bare \n; terminals need \r\n. */
  readonly convertNewlines: boolean;
  /** Close the terminal when the session ends (a shell), or keep it open to read (logs, builds). */
  readonly closeWhenDone: boolean;
}

/** Dim text for the lines the terminal adds itself. */
export function notice(text: string): string {
  return `\x1b[2m${text}\x1b[0m`;
}

export class SessionTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  readonly onDidWrite = this.writeEmitter.event;
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  readonly onDidClose = this.closeEmitter.event;
  private session: TerminalSession | undefined;
  /** Keystrokes typed before the session was ready (an exec takes a moment to start). */
  private pendingInput: string[] = [];
  private closed = false;
  private dimensions: vscode.TerminalDimensions | undefined;

  constructor(
    private readonly startSession: (
      dimensions: vscode.TerminalDimensions | undefined,
    ) => Promise<TerminalSession>,
    private readonly options: SessionTerminalOptions,
  ) {}

  open(initialDimensions: vscode.TerminalDimensions | undefined): void {
    this.dimensions = initialDimensions;
    this.startSession(initialDimensions).then(
      (session) => this.attach(session),
      (err: Error) => this.write(`\r\n\x1b[31m${err.message}\x1b[0m\r\n`),
    );
  }

  handleInput(data: string): void {
    if (this.session) this.session.write?.(data);
    else this.pendingInput.push(data);
  }

  setDimensions(dimensions: vscode.TerminalDimensions): void {
    this.dimensions = dimensions;
    this.session?.resize?.(dimensions);
  }

  close(): void {
    this.closed = true;
    this.session?.close();
  }

  /** Writes text from the extension itself (a header, a notice). */
  write(text: string): void {
    this.writeEmitter.fire(this.options.convertNewlines ? toCrLf(text) : text);
  }

  private attach(session: TerminalSession): void {
    if (this.closed) return session.close();
    this.session = session;
    if (this.dimensions) session.resize?.(this.dimensions);
    for (const data of this.pendingInput) session.write?.(data);
    this.pendingInput = [];
    const decoder = new StringDecoder('utf8');
    session.output.on('data', (chunk: Buffer | string) => {
      const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
      if (text) this.write(text);
    });
    session.done.then(
      (last) => this.finish(last),
      (err: Error) => this.finish(`\x1b[31m${err.message}\x1b[0m`),
    );
  }

  private finish(last: string | undefined): void {
    if (this.closed) return;
    if (this.options.closeWhenDone) {
      this.closeEmitter.fire();
      return;
    }
    if (last) this.writeEmitter.fire(`\r\n${toCrLf(last)}\r\n`);
  }
}

/** Turns lone \n into \r\n, leaving existing \r\n alone. */
export function toCrLf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}
