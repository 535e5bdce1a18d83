// An HttpResponse made in memory, for unit tests that put a fake HttpClient in front of the
// registry client.
import { Readable } from 'node:stream';
import type { HttpResponse } from '../../../engine/src/registry/http';

export function fakeResponse(url: string, status: number, statusText: string, body: string): HttpResponse {
  return {
    status,
    statusText,
    ok: status >= 200 && status < 300,
    url,
    headers: { get: () => null },
    body: Readable.from([Buffer.from(body)]),
    json: async () => JSON.parse(body),
    arrayBuffer: async () => Buffer.from(body),
    discard: async () => {},
  };
}
