// Writes LSP messages to a stream (the server's stdout) with as few writes as possible: every
// message sent during one turn of the event loop goes out in a single write, headers and JSON
// bodies together. vscode-jsonrpc's stream writer makes two writes per message (header, then
// body), and a write to a pipe is a blocking system call that also wakes the client up; a burst of
// edits across many files publishes one diagnostics message per file, all in the same turn.
import { AbstractMessageWriter, type Message, type MessageWriter } from 'vscode-languageserver/node';

interface Pending {
  readonly message: Message;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export class BatchingMessageWriter extends AbstractMessageWriter implements MessageWriter {
  private errorCount = 0;
  private frames: string[] = [];
  private pending: Pending[] = [];

  constructor(private readonly stream: NodeJS.WritableStream) {
    super();
    stream.on('error', (error: Error) => this.fireError(error));
    stream.on('close', () => this.fireClose());
  }

  write(message: Message): Promise<void> {
    const body = JSON.stringify(message);
    if (this.frames.length === 0) process.nextTick(() => this.flush());
    this.frames.push(`Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n${body}`);
    return new Promise((resolve, reject) => this.pending.push({ message, resolve, reject }));
  }

  /** Sends what was written since the last flush; runs once the current turn's code is done. */
  private flush(): void {
    const data = this.frames.join('');
    const pending = this.pending;
    this.frames = [];
    this.pending = [];
    this.stream.write(data, 'utf8', (error) => {
      for (const { message, resolve, reject } of pending) {
        if (!error) {
          resolve();
          continue;
        }
        this.fireError(error, message, ++this.errorCount);
        reject(error);
      }
    });
  }

  end(): void {
    this.stream.end();
  }
}
