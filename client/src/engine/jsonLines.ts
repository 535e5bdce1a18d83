// The engine streams events and progress (pull, push, build) as one JSON object per line.

/** Splits a stream's text into JSON messages; a chunk may end mid-line, which is kept for the next. */
export class JsonLineSplitter<T> {
  private pending = '';

  push(chunk: string): T[] {
    this.pending += chunk;
    const lines = this.pending.split('\n');
    this.pending = lines.pop() ?? '';
    const messages: T[] = [];
    for (const line of lines) {
      const text = line.trim();
      if (!text) continue;
      try {
        messages.push(JSON.parse(text) as T);
      } catch {
        // Not JSON, so not a message; engines do not send these, and one is no reason to fail.
      }
    }
    return messages;
  }
}

/** Calls `onMessage` for each JSON line of `stream`; resolves when it ends, rejects if it fails. */
export function followJsonLines<T>(
  stream: NodeJS.ReadableStream,
  onMessage: (message: T) => void,
): Promise<void> {
  const splitter = new JsonLineSplitter<T>();
  return new Promise((resolve, reject) => {
    stream.on('data', (chunk: Buffer | string) => {
      for (const message of splitter.push(chunk.toString())) onMessage(message);
    });
    stream.on('end', () => resolve());
    stream.on('error', reject);
  });
}
