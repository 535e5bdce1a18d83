// A tiny raw HTTP/1.1 client over a Unix socket, for API tests that must see exact bytes
// (status lines, headers, hijacked streams).
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export function rawRequest(
  socketPath: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('end', () => {
      try {
        resolve(parseResponse(Buffer.concat(chunks)));
      } catch (err) {
        reject(err as Error);
      }
    });
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    const headers = { Host: 'berth', Connection: 'close', ...options.headers };
    if (body) Object.assign(headers, { 'Content-Length': String(body.length) });
    socket.write(
      `${method} ${path} HTTP/1.1\r\n` +
        Object.entries(headers)
          .map(([k, v]) => `${k}: ${v}\r\n`)
          .join('') +
        '\r\n',
    );
    if (body) socket.write(body);
  });
}

export function parseResponse(raw: Buffer): RawResponse {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) throw new Error(`incomplete response: ${JSON.stringify(raw.toString())}`);
  const [statusLine, ...lines] = raw.subarray(0, end).toString().split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  let body = raw.subarray(end + 4);
  if (headers['transfer-encoding'] === 'chunked') body = dechunk(body);
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

function dechunk(data: Buffer): Buffer {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < data.length) {
    const lineEnd = data.indexOf('\r\n', pos);
    const size = parseInt(data.subarray(pos, lineEnd).toString(), 16);
    if (!size) break;
    out.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    pos = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(out);
}

/** Opens a hijacked connection: sends the upgrade request, resolves after the 101 headers. */
export function hijack(
  socketPath: string,
  path: string,
  body?: string,
): Promise<{ socket: Socket; status: number; headers: Record<string, string>; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let buf = Buffer.alloc(0);
    const onData = (c: Buffer): void => {
      buf = Buffer.concat([buf, c]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      const head = parseResponse(buf.subarray(0, end + 4));
      resolve({ socket, status: head.status, headers: head.headers, rest: buf.subarray(end + 4) });
    };
    socket.on('data', onData);
    socket.on('error', reject);
    const b = body === undefined ? '' : body;
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: berth\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n` +
        (b ? `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(b)}\r\n` : '') +
        `\r\n${b}`,
    );
  });
}
