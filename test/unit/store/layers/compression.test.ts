import * as assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { withSniffedCompression } from '../../../../engine/src/store/layers/compression';

/** Fails instead of hanging when a promise never settles. */
function within<T>(what: string, promise: Promise<T>, ms = 2000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('store/layers/compression: withSniffedCompression', () => {
  it('tells gzip from its first bytes even when they arrive one at a time, and hands on every byte', async () => {
    const gz = gzipSync(Buffer.from('a layer'));
    const { stream, compression, empty } = await within(
      'sniffing',
      withSniffedCompression(Readable.from([...gz].map((b) => Buffer.from([b])))),
    );
    assert.equal(compression, 'gzip');
    assert.equal(empty, false);
    assert.deepEqual(await within('reading', bytesOf(stream)), gz);
  });

  it('hands on a source shorter than a magic number as it is', async () => {
    const { stream, compression, empty } = await within(
      'sniffing',
      withSniffedCompression(Readable.from([Buffer.from('ab')])),
    );
    assert.equal(compression, 'none');
    assert.equal(empty, false);
    assert.equal((await within('reading', bytesOf(stream))).toString(), 'ab');
  });

  it('says when the source is empty, also when it had already ended', async () => {
    const fresh = await within('sniffing an empty source', withSniffedCompression(Readable.from([])));
    assert.equal(fresh.empty, true);
    assert.equal((await within('reading', bytesOf(fresh.stream))).length, 0);
    const ended = new PassThrough();
    ended.end();
    ended.resume();
    await new Promise((resolve) => ended.once('end', resolve));
    assert.equal((await within('sniffing an ended source', withSniffedCompression(ended))).empty, true);
  });
});
