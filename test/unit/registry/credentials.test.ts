import * as assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeCredentials } from '../../../engine/src/registry/credentials';

describe('registry/credentials: logout', () => {
  let dir: string;
  let config: string;
  const savedPath = process.env.PATH;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'berth-creds-'));
    config = join(dir, 'config.json');
  });
  afterEach(() => {
    process.env.PATH = savedPath;
    rmSync(dir, { recursive: true, force: true });
  });

  const auths = () => Object.keys((JSON.parse(readFileSync(config, 'utf8')) as { auths: object }).auths);

  it("forgets one registry's credentials, keeps the others and the file's other settings", () => {
    writeFileSync(
      config,
      JSON.stringify({
        auths: { 'localhost:5000': { auth: 'dTpw' }, 'https://index.docker.io/v1/': { auth: 'aDpw' } },
        detachKeys: 'ctrl-e',
      }),
    );
    assert.equal(removeCredentials('localhost:5000', config), true);
    assert.deepEqual(auths(), ['https://index.docker.io/v1/']);
    assert.equal(JSON.parse(readFileSync(config, 'utf8')).detachKeys, 'ctrl-e');
    assert.equal(statSync(config).mode & 0o777, 0o600);
    assert.equal(removeCredentials('localhost:5000', config), false, 'not logged in any more');
    assert.equal(removeCredentials('docker.io', config), true, 'Docker Hub under its config key');
    assert.deepEqual(auths(), []);
  });

  it('asks the credential helper to erase them', () => {
    const erased = join(dir, 'erased');
    const helper = join(dir, 'docker-credential-fake');
    writeFileSync(helper, `#!/bin/sh\n[ "$1" = erase ] && cat > ${erased}\n`);
    chmodSync(helper, 0o755);
    process.env.PATH = `${dir}:${savedPath}`;
    writeFileSync(config, JSON.stringify({ auths: { 'registry.test': {} }, credsStore: 'fake' }));
    assert.equal(removeCredentials('registry.test', config), true);
    assert.equal(readFileSync(erased, 'utf8'), 'registry.test');
    assert.deepEqual(auths(), []);
  });
});
