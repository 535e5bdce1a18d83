// Builds tar archives byte by byte for tests, including ones no honest tool would write.
import { Header } from 'tar';

export interface CraftedEntry {
  path: string;
  type?: '0' | '1' | '2' | '3' | '4' | '5' | '6' | 'x' | 'L' | 'S';
  body?: string | Buffer;
  linkpath?: string;
  mode?: number;
  /** pax records placed in an `x` header before this entry */
  pax?: Record<string, string | Buffer>;
  /** size written in the header, if different from the body's (for truncation tests) */
  size?: number;
  devmaj?: number;
  devmin?: number;
}

function block(h: ConstructorParameters<typeof Header>[0]): Buffer {
  const buf = Buffer.alloc(512);
  new Header(h).encode(buf, 0);
  return buf;
}

function pad(data: Buffer): Buffer {
  const rest = (512 - (data.length % 512)) % 512;
  return Buffer.concat([data, Buffer.alloc(rest)]);
}

function paxBody(records: Record<string, string | Buffer>): Buffer {
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(records)) {
    const body = Buffer.concat([Buffer.from(` ${k}=`), Buffer.from(v), Buffer.from('\n')]);
    let len = body.length + 1;
    while (String(len).length + body.length > len) len++;
    parts.push(Buffer.from(String(len)), body);
  }
  return Buffer.concat(parts);
}

export function craftTar(entries: CraftedEntry[], options: { end?: boolean } = {}): Buffer {
  const out: Buffer[] = [];
  for (const e of entries) {
    if (e.pax) {
      const body = paxBody(e.pax);
      out.push(
        block({
          path: 'PaxHeader',
          type: 'ExtendedHeader',
          size: body.length,
          mode: 0o644,
          mtime: new Date(0),
        }),
        pad(body),
      );
    }
    const body = e.body === undefined ? Buffer.alloc(0) : Buffer.from(e.body);
    out.push(
      block({
        path: e.path,
        type: (e.type ?? '0') as never,
        size: e.size ?? body.length,
        mode: e.mode ?? (e.type === '5' ? 0o755 : 0o644),
        uid: 0,
        gid: 0,
        mtime: new Date(1_700_000_000_000),
        linkpath: e.linkpath ?? '',
        devmaj: e.devmaj ?? 0,
        devmin: e.devmin ?? 0,
      }),
    );
    if (body.length) out.push(pad(body));
  }
  if (options.end !== false) out.push(Buffer.alloc(1024));
  return Buffer.concat(out);
}
