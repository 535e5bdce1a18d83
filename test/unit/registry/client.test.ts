import * as assert from 'node:assert/strict';
import { RegistryClient } from '../../../engine/src/registry/client';
import type { HttpClient, HttpRequest } from '../../../engine/src/registry/http';
import { fakeResponse } from './fake-response';

/** A registry that answers https only when `https` is set, else plain http; records every request. */
function fakeRegistry(https: boolean) {
  const seen: { url: string; request: HttpRequest }[] = [];
  const http: HttpClient = async (url, request = {}) => {
    seen.push({ url, request });
    if (url.startsWith('https:') !== https)
      throw Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    const body = url.endsWith('/v2/') ? '{}' : '{"tags":[]}';
    return fakeResponse(url, 200, 'OK', body);
  };
  return { http, seen };
}

describe('registry client: insecure registries', () => {
  it('tries https without verifying the certificate, then http, for a local registry (as Docker does)', async () => {
    const { http, seen } = fakeRegistry(false);
    const client = new RegistryClient('127.0.0.1:5000', { http });
    await client.ping();
    assert.deepEqual(
      seen.map((s) => [s.url, s.request.insecureTlsHost]),
      [
        ['https://127.0.0.1:5000/v2/', '127.0.0.1:5000'],
        ['http://127.0.0.1:5000/v2/', '127.0.0.1:5000'],
      ],
    );
  });

  it('names the host without its default port, as URLs do', async () => {
    const { http, seen } = fakeRegistry(true);
    await new RegistryClient('reg.internal:443', { http, insecureRegistries: ['reg.internal:443'] }).ping();
    assert.equal(seen[0].request.insecureTlsHost, 'reg.internal');
  });

  it('verifies certificates of every other registry, and never falls back to http', async () => {
    const { http, seen } = fakeRegistry(true);
    const client = new RegistryClient('reg.example.com', { http });
    await client.ping();
    await (await client.request('GET', '/v2/a/tags/list', { scopes: [] })).discard();
    assert.deepEqual(
      seen.map((s) => [s.url, s.request.insecureTlsHost]),
      [
        ['https://reg.example.com/v2/', undefined],
        ['https://reg.example.com/v2/a/tags/list', undefined],
      ],
    );
    const refused = fakeRegistry(false);
    await assert.rejects(
      new RegistryClient('reg.example.com', { http: refused.http }).ping(),
      /--insecure-registry/,
    );
    assert.deepEqual(
      refused.seen.map((s) => s.url),
      ['https://reg.example.com/v2/'],
    );
  });
});
