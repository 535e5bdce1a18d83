import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryClient } from '../../../engine/src/registry/client';
import type { HttpClient, HttpResponse } from '../../../engine/src/registry/http';
import {
  fileSchemeMemory,
  type Scheme,
  type SchemeMemory,
  schemeOrder,
  storeSchemeMemory,
} from '../../../engine/src/registry/schemes';
import { fakeResponse } from './fake-response';

function response(url: string, status: number): HttpResponse {
  return status === 400
    ? fakeResponse(url, 400, 'Bad Request', 'Client sent an HTTP request to an HTTPS server.\n')
    : fakeResponse(url, status, 'OK', '{}');
}

/**
 * A registry serving `serves`: over https, a plain http request gets Go's 400; over http, the
 * TLS handshake fails. `refused`: nothing listens. Records the URLs asked.
 */
function fakeRegistry(serves: Scheme | 'refused') {
  const urls: string[] = [];
  const http: HttpClient = async (url) => {
    urls.push(url);
    if (serves === 'refused') throw Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    if (url.startsWith('https:')) {
      if (serves === 'https') return response(url, 200);
      throw Object.assign(new Error('wrong version number'), { code: 'EPROTO' });
    }
    return response(url, serves === 'https' ? 400 : 200);
  };
  return { http, urls };
}

function memoryOf(entries: Record<string, Scheme>): SchemeMemory & { entries: Record<string, Scheme> } {
  return { entries, get: (host) => entries[host], set: (host, scheme) => void (entries[host] = scheme) };
}

describe('registry schemes: remembered per store', () => {
  it('orders https first unless http is remembered; never http for a registry that is not insecure', () => {
    assert.deepEqual(schemeOrder(true, undefined), ['https', 'http']);
    assert.deepEqual(schemeOrder(true, 'https'), ['https', 'http']);
    assert.deepEqual(schemeOrder(true, 'http'), ['http', 'https']);
    assert.deepEqual(schemeOrder(false, 'http'), ['https']);
  });

  it('a remembered http registry is asked over http only', async () => {
    const { http, urls } = fakeRegistry('http');
    const memory = memoryOf({ '127.0.0.1:5000': 'http' });
    await new RegistryClient('127.0.0.1:5000', { http, schemeMemory: memory }).ping();
    assert.deepEqual(urls, ['http://127.0.0.1:5000/v2/']);
  });

  it('remembers the scheme a first pull found', async () => {
    const { http, urls } = fakeRegistry('http');
    const memory = memoryOf({});
    await new RegistryClient('127.0.0.1:5000', { http, schemeMemory: memory }).ping();
    assert.deepEqual(urls, ['https://127.0.0.1:5000/v2/', 'http://127.0.0.1:5000/v2/']);
    assert.deepEqual(memory.entries, { '127.0.0.1:5000': 'http' });
  });

  it('falls back to https when the remembered http port now speaks TLS (Go answers 400), and updates the memory', async () => {
    const { http, urls } = fakeRegistry('https');
    const memory = memoryOf({ '127.0.0.1:5000': 'http' });
    const client = new RegistryClient('127.0.0.1:5000', { http, schemeMemory: memory });
    await client.ping();
    assert.deepEqual(urls, ['http://127.0.0.1:5000/v2/', 'https://127.0.0.1:5000/v2/']);
    assert.deepEqual(memory.entries, { '127.0.0.1:5000': 'https' });
  });

  it('tries both schemes when the remembered one is refused, and says the registry is unreachable', async () => {
    const { http, urls } = fakeRegistry('refused');
    const memory = memoryOf({ '127.0.0.1:5000': 'http' });
    await assert.rejects(
      new RegistryClient('127.0.0.1:5000', { http, schemeMemory: memory }).ping(),
      /cannot reach registry 127\.0\.0\.1:5000: ECONNREFUSED/,
    );
    assert.deepEqual(urls, ['http://127.0.0.1:5000/v2/', 'https://127.0.0.1:5000/v2/']);
    assert.deepEqual(memory.entries, { '127.0.0.1:5000': 'http' });
  });

  it('never uses a remembered http for a registry that is not insecure', async () => {
    const { http, urls } = fakeRegistry('http');
    const memory = memoryOf({ 'reg.example:5000': 'http' });
    await assert.rejects(new RegistryClient('reg.example:5000', { http, schemeMemory: memory }).ping());
    assert.deepEqual(urls, ['https://reg.example:5000/v2/']);
    assert.deepEqual(memory.entries, { 'reg.example:5000': 'http' });
  });

  describe('in a file', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'berth-schemes-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('round-trips through the store file, rewritten whole (no temp file left)', () => {
      storeSchemeMemory(dir).set('127.0.0.1:5000', 'http');
      storeSchemeMemory(dir).set('[::1]:5001', 'https');
      const memory = storeSchemeMemory(dir);
      assert.equal(memory.get('127.0.0.1:5000'), 'http');
      assert.equal(memory.get('[::1]:5001'), 'https');
      assert.equal(memory.get('other:1'), undefined);
      assert.deepEqual(readdirSync(dir), ['registry-schemes.json']);
    });

    it('ignores a damaged file and entries that are not a scheme, and replaces the file on the next write', () => {
      const file = join(dir, 'registry-schemes.json');
      writeFileSync(file, '{"127.0.0.1:5000": "ht');
      assert.equal(fileSchemeMemory(file).get('127.0.0.1:5000'), undefined);
      writeFileSync(file, '{"a:1": "gopher", "b:1": 1, "c:1": "http", "__proto__": "http"}');
      const memory = fileSchemeMemory(file);
      assert.equal(memory.get('a:1'), undefined);
      assert.equal(memory.get('b:1'), undefined);
      assert.equal(memory.get('c:1'), 'http');
      assert.equal(memory.get('constructor'), undefined);
      writeFileSync(file, '[1,2');
      fileSchemeMemory(file).set('d:1', 'https');
      assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { 'd:1': 'https' });
    });

    it('loses only the hint when the store cannot be written', () => {
      const memory = fileSchemeMemory(join(dir, 'missing-dir', 'registry-schemes.json'));
      memory.set('127.0.0.1:5000', 'http');
      assert.equal(memory.get('127.0.0.1:5000'), 'http');
    });
  });
});
