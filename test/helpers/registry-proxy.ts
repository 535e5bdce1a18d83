// An HTTP proxy in front of a test registry that can misbehave on blob downloads: stall after some
// bytes (so a test can kill a pull midway), or corrupt a byte. Records the Range headers it saw.
import { createServer, request, type Server } from 'node:http';

export interface ProxyBehaviour {
  /** For blob GETs: forward this many body bytes, then stall (keep the connection open, send nothing). */
  stallAfter?: number;
  /** For blob GETs: flip the byte at this body offset. */
  corruptAt?: number;
}

export interface RegistryProxy {
  address: string;
  behaviour: ProxyBehaviour;
  /** Range headers of blob GETs, in order ('' when none). */
  ranges: string[];
  stop(): Promise<void>;
}

export async function startRegistryProxy(upstream: string): Promise<RegistryProxy> {
  const [host, port] = upstream.split(':');
  const proxy: RegistryProxy = { address: '', behaviour: {}, ranges: [], stop: async () => {} };
  const stalled = new Set<import('node:http').ServerResponse>();
  const server: Server = createServer((req, res) => {
    const isBlobGet = req.method === 'GET' && /\/blobs\/sha256:/.test(req.url ?? '');
    if (isBlobGet) proxy.ranges.push(String(req.headers.range ?? ''));
    const upstreamReq = request(
      {
        host,
        port: Number(port),
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream },
      },
      (up) => {
        const headers = { ...up.headers };
        if (up.headers.location?.startsWith(`http://${upstream}`))
          headers.location = up.headers.location.replace(upstream, proxy.address);
        res.writeHead(up.statusCode ?? 502, headers);
        if (
          !isBlobGet ||
          (proxy.behaviour.stallAfter === undefined && proxy.behaviour.corruptAt === undefined)
        ) {
          up.pipe(res);
          return;
        }
        const { stallAfter, corruptAt } = proxy.behaviour;
        let offset = 0;
        up.on('data', (chunk: Buffer) => {
          if (stallAfter !== undefined && offset + chunk.length > stallAfter) {
            if (offset < stallAfter) res.write(chunk.subarray(0, stallAfter - offset));
            offset = stallAfter;
            up.destroy();
            stalled.add(res);
            return;
          }
          if (corruptAt !== undefined && corruptAt >= offset && corruptAt < offset + chunk.length) {
            chunk = Buffer.from(chunk);
            chunk[corruptAt - offset] ^= 0xff;
          }
          offset += chunk.length;
          res.write(chunk);
        });
        up.on('end', () => res.end());
      },
    );
    req.pipe(upstreamReq);
    upstreamReq.on('error', () => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.address = `127.0.0.1:${(server.address() as { port: number }).port}`;
  proxy.stop = async () => {
    for (const res of stalled) res.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return proxy;
}
