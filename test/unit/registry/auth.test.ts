import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthSession, parseChallenges } from '../../../engine/src/registry/auth';
import { lookupCredentials, storeCredentials } from '../../../engine/src/registry/credentials';

describe('registry auth', () => {
  it('parses WWW-Authenticate challenges (quoted, unquoted, several)', () => {
    assert.deepEqual(
      parseChallenges(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"',
      ),
      [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://auth.docker.io/token',
            service: 'registry.docker.io',
            scope: 'repository:library/busybox:pull',
          },
        },
      ],
    );
    assert.deepEqual(parseChallenges('Basic realm="Registry Realm"'), [
      { scheme: 'basic', params: { realm: 'Registry Realm' } },
    ]);
    assert.deepEqual(parseChallenges('Basic realm=x, Bearer realm="a\\"b", error="insufficient_scope"'), [
      { scheme: 'basic', params: { realm: 'x' } },
      { scheme: 'bearer', params: { realm: 'a"b', error: 'insufficient_scope' } },
    ]);
    assert.deepEqual(parseChallenges(null), []);
  });

  it('caches a token per scope set and fetches a new one when it expires', async () => {
    const requests: string[] = [];
    let now = 1_000_000;
    const realNow = Date.now;
    Date.now = () => now;
    try {
      const fetchFn = async (url: string) => {
        requests.push(url);
        const body = { token: `t${requests.length}`, expires_in: 60 };
        return { status: 200, ok: true, statusText: 'OK', json: async () => body, discard: async () => {} };
      };
      const session = new AuthSession(() => undefined, fetchFn, 'reg.example');
      session.setChallenge('Bearer realm="https://auth.example/token",service="reg"');
      assert.equal(await session.authorize(['repository:a:pull']), 'Bearer t1');
      assert.equal(await session.authorize(['repository:a:pull']), 'Bearer t1');
      assert.equal(await session.authorize(['repository:b:pull']), 'Bearer t2');
      now += 55_000; // within 10 s of expiry: refreshed early
      assert.equal(await session.authorize(['repository:a:pull']), 'Bearer t3');
      assert.equal(requests[0], 'https://auth.example/token?service=reg&scope=repository%3Aa%3Apull');
    } finally {
      Date.now = realNow;
    }
  });

  it('sends Basic credentials to the token server and says when they are refused', async () => {
    let seen: string | undefined;
    const fetchFn = async (_url: string, init: { headers?: Record<string, string> }) => {
      seen = init.headers?.authorization;
      return {
        status: 401,
        ok: false,
        statusText: 'Unauthorized',
        json: async () => ({}),
        discard: async () => {},
      };
    };
    const session = new AuthSession(() => ({ username: 'u', password: 'p' }), fetchFn, 'reg.example');
    session.setChallenge('Bearer realm="https://auth.example/token"');
    await assert.rejects(
      session.authorize(['repository:a:pull']),
      /refused the credentials.*berth login reg\.example/,
    );
    assert.equal(seen, `Basic ${Buffer.from('u:p').toString('base64')}`);
  });
});

describe('docker credentials', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'berth-creds-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads auths entries (Docker Hub under its legacy key) and writes them back', () => {
    const file = join(dir, 'config.json');
    writeFileSync(
      file,
      JSON.stringify({
        auths: {
          'https://index.docker.io/v1/': { auth: Buffer.from('hub:pw').toString('base64') },
          'localhost:5000': { auth: Buffer.from('me:a:b').toString('base64') },
          'tok.example': { identitytoken: 'refresh-me' },
        },
      }),
    );
    assert.deepEqual(lookupCredentials('docker.io', file), { username: 'hub', password: 'pw' });
    assert.deepEqual(lookupCredentials('localhost:5000', file), { username: 'me', password: 'a:b' });
    assert.deepEqual(lookupCredentials('tok.example', file), {
      username: '',
      password: '',
      identityToken: 'refresh-me',
    });
    assert.equal(lookupCredentials('other.example', file), undefined);
    storeCredentials('new.example', { username: 'n', password: 'p' }, file);
    assert.deepEqual(lookupCredentials('new.example', file), { username: 'n', password: 'p' });
    assert.deepEqual(
      lookupCredentials('docker.io', file),
      { username: 'hub', password: 'pw' },
      'other entries kept',
    );
  });

  it('explains a broken config file', () => {
    const file = join(dir, 'config.json');
    writeFileSync(file, '{broken');
    assert.throws(() => lookupCredentials('docker.io', file), /cannot read .*config\.json/);
  });
});
