// Docker's stream framing. Without a TTY, attach/logs/exec output is multiplexed: each frame is an
// 8-byte header [stream, 0, 0, 0, size (uint32 big-endian)] then `size` bytes, stream 0 stdin,
// 1 stdout, 2 stderr. With a TTY the stream is raw bytes.

export type StreamId = 0 | 1 | 2;

export const rawStreamType = 'application/vnd.docker.raw-stream';
export const multiplexedStreamType = 'application/vnd.docker.multiplexed-stream';

export function frame(stream: StreamId, data: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(data.length, 4);
  return Buffer.concat([header, data]);
}

/** Splits a multiplexed byte stream back into frames; feed it chunks as they arrive. */
export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly onFrame: (stream: StreamId, data: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      const stream = this.pending[0];
      if (stream > 2) throw new Error(`bad stream frame: stream id ${stream} is not 0, 1 or 2`);
      this.onFrame(stream as StreamId, this.pending.subarray(8, 8 + size));
      this.pending = this.pending.subarray(8 + size);
    }
  }

  /** Bytes received but not yet a whole frame. */
  get buffered(): number {
    return this.pending.length;
  }
}

/**
 * Parses Docker's detach keys (`ctrl-p,ctrl-q` by default; `a`, `ctrl-@`…`ctrl-_`) into bytes.
 */
export function parseDetachKeys(spec: string): Buffer {
  const bytes: number[] = [];
  for (const key of spec.split(',')) {
    const k = key.trim().toLowerCase();
    if (k.length === 1) bytes.push(k.charCodeAt(0));
    else if (/^ctrl-[a-z@[\\\]^_]$/.test(k)) {
      const c = k.charCodeAt(5);
      bytes.push(c >= 97 ? c - 96 : c - 64);
    } else throw new Error(`invalid detach keys ${JSON.stringify(spec)}: use e.g. "ctrl-p,ctrl-q"`);
  }
  return Buffer.from(bytes);
}

export const defaultDetachKeys = Buffer.from([16, 17]); // ctrl-p, ctrl-q

/**
 * Watches stdin for the detach sequence. Returns the bytes to forward; `detached` becomes true
 * once the whole sequence has been typed (its bytes are swallowed, as Docker does).
 */
export class DetachWatcher {
  private matched = 0;
  detached = false;

  constructor(private readonly keys: Buffer) {}

  filter(chunk: Buffer): Buffer {
    if (this.keys.length === 0) return chunk;
    const out: number[] = [];
    for (const byte of chunk) {
      if (this.detached) break;
      if (byte === this.keys[this.matched]) {
        this.matched++;
        if (this.matched === this.keys.length) this.detached = true;
        continue;
      }
      // A partial match that fails is ordinary input after all.
      for (let i = 0; i < this.matched; i++) out.push(this.keys[i]);
      this.matched = 0;
      if (byte === this.keys[0]) this.matched = 1;
      else out.push(byte);
    }
    return Buffer.from(out);
  }
}
