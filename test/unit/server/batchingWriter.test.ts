import * as assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { StreamMessageReader, type Message } from 'vscode-languageserver/node';
import { BatchingMessageWriter } from '../../../server/src/batchingWriter';

describe('server/batchingWriter', () => {
  it('sends the messages of one turn in one write, in order, framed for any LSP reader', async () => {
    const stream = new PassThrough();
    const writes: string[] = [];
    const write = stream.write.bind(stream);
    stream.write = ((chunk: string, ...rest: never[]) => {
      writes.push(String(chunk));
      return write(chunk, ...rest);
    }) as typeof stream.write;
    const received: Message[] = [];
    const reader = new StreamMessageReader(stream);
    reader.listen((message) => received.push(message));

    const writer = new BatchingMessageWriter(stream);
    const messages = ['a', 'é', 'c'].map((uri) => ({ jsonrpc: '2.0', method: 'm', params: { uri } }));
    await Promise.all(messages.map((m) => writer.write(m)));
    assert.equal(writes.length, 1);
    await writer.write({ jsonrpc: '2.0', method: 'later' } as Message);
    assert.equal(writes.length, 2);

    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(received, [...messages, { jsonrpc: '2.0', method: 'later' }]);
    reader.dispose();
  });
});
