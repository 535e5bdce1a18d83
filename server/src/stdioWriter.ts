// Writes each LSP message to a stream (the server's stdout) in one write: header and JSON body
// together. vscode-jsonrpc's stream writer makes two writes per message (header, then body), and
// a write to a pipe is a blocking system call; with one diagnostics message per edited file, the
// second write per message was a measurable share of the server's time on a burst of edits.
import { AbstractMessageWriter, type Message, type MessageWriter } from 'vscode-languageserver/node';

export class SingleWriteMessageWriter extends AbstractMessageWriter implements MessageWriter {
  private errorCount = 0;

  constructor(private readonly stream: NodeJS.WritableStream) {
    super();
    stream.on('error', (error: Error) => this.fireError(error));
    stream.on('close', () => this.fireClose());
  }

  write(message: Message): Promise<void> {
    const body = JSON.stringify(message);
    const frame = `Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n${body}`;
    return new Promise((resolve, reject) => {
      this.stream.write(frame, 'utf8', (error) => {
        if (!error) return resolve();
        this.fireError(error, message, ++this.errorCount);
        reject(error);
      });
    });
  }

  end(): void {
    this.stream.end();
  }
}
