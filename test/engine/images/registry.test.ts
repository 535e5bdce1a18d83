// Pull and push against Debian's docker-registry: round trips, cross-repo mounts, upload modes,
// multi-platform indexes, basic and bearer auth, resume after a killed download, corrupt blobs.
import * as assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseReference } from '../../../engine/src/oci/reference';
import { RegistryClient } from '../../../engine/src/registry/client';
import { lookupCredentials } from '../../../engine/src/registry/credentials';
import { httpRequest } from '../../../engine/src/registry/http';
import { pullImage } from '../../../engine/src/registry/pull';
import { pushImage } from '../../../engine/src/registry/push';
import { storeSchemeMemory } from '../../../engine/src/registry/schemes';
import { loadImages } from '../../../engine/src/store/archive/load';
import { Store } from '../../../engine/src/store/store';
import {
  type LayoutImage,
  makeBusyboxLayout,
  makeOciLayout,
  skopeoEnv,
  skopeoPush,
} from '../../helpers/busybox-image';
import { haveBusybox } from '../../helpers/busybox-rootfs';
import { haveRegistry, startRegistry, type TestRegistry } from '../../helpers/registry';
import { startRegistryProxy } from '../../helpers/registry-proxy';
import { startTokenServer, type TokenServer } from '../../helpers/token-server';
import { skipBecause } from '../../helpers/skip';

const berth = join(__dirname, '../../../../bin/berth');

function skopeoDigest(ref: string, creds?: string): string {
  const args = ['inspect', '--tls-verify=false', '--format', '{{.Digest}}'];
  if (creds) args.push('--creds', creds);
  return execFileSync('skopeo', [...args, `docker://${ref}`], { encoding: 'utf8', env: skopeoEnv() }).trim();
}

describe('registry client against docker-registry', function () {
  let work: string;
  let image: LayoutImage;
  let big: LayoutImage;

  before(function () {
    if (!haveRegistry() || !haveBusybox()) {
      skipBecause(this, 'needs docker-registry, skopeo and busybox-static (apt, see .ci/setup)');
    }
    work = mkdtempSync(join(tmpdir(), 'berth-registry-test-'));
    image = makeBusyboxLayout(join(work, 'busybox'));
    // A second image with a 3 MiB layer of incompressible data, for chunked uploads and resume.
    const dataDir = join(work, 'data-rootfs');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'random.bin'), randomBytes(3 << 20));
    big = makeOciLayout(join(work, 'big'), [dataDir], { gzipLevel: 1 });
  });
  after(() => work && rmSync(work, { recursive: true, force: true }));

  describe('plain registry', () => {
    let registry: TestRegistry;
    before(async () => {
      registry = await startRegistry();
      skopeoPush(image, `${registry.address}/lib/busybox:1`);
      skopeoPush(big, `${registry.address}/lib/big:1`);
    });
    after(async () => registry?.stop());

    it('pull → push → pull gives identical digests, with every upload mode', async () => {
      const store = Store.open(join(work, 'roundtrip-a'));
      const ref = parseReference(`${registry.address}/lib/big:1`);
      const pulled = await pullImage(store, new RegistryClient(ref.domain), ref);
      for (const [mode, repo] of [
        ['stream', 'copies/stream'],
        ['monolithic', 'copies/mono'],
        [1 << 20, 'copies/chunked'],
      ] as const) {
        const target = parseReference(`${registry.address}/${repo}:x`);
        const client = new RegistryClient(target.domain);
        // Keep the store from offering mounts so each mode really uploads.
        const result = await pushImage(
          Store.open(join(work, 'roundtrip-a')),
          client,
          formatted(ref),
          target,
          { upload: mode },
        );
        assert.equal(result.digest, pulled.digest, `${String(mode)} push digest`);
        assert.equal(skopeoDigest(`${registry.address}/${repo}:x`), big.manifestDigest);
        const fresh = Store.open(join(work, `roundtrip-${repo.replace('/', '-')}`));
        const again = await pullImage(fresh, client, target);
        assert.equal(again.digest, big.manifestDigest);
        assert.equal(again.image.id, big.configDigest);
        // Each later mode finds the blobs from the earlier pushes in other repos: drop the names.
        for (const r of store.images.list()) if (r.name.includes('/copies/')) store.images.delete(r.name);
      }
    });

    it('skips blobs the registry has and mounts blobs from another repository', async () => {
      const store = Store.open(join(work, 'mount'));
      const ref = parseReference(`${registry.address}/lib/busybox:1`);
      await pullImage(store, new RegistryClient(ref.domain), ref);
      const statuses: string[] = [];
      const target = parseReference(`${registry.address}/mounted/busybox:2`);
      await pushImage(store, new RegistryClient(target.domain), formatted(ref), target, {
        onProgress: (m) => statuses.push(m.status),
      });
      assert.ok(statuses.includes('Mounted from lib/busybox'), statuses.join('\n'));
      statuses.length = 0;
      await pushImage(store, new RegistryClient(target.domain), formatted(ref), target, {
        onProgress: (m) => statuses.push(m.status),
      });
      assert.ok(statuses.filter((s) => s === 'Layer already exists').length === 2, statuses.join('\n'));
      assert.equal(skopeoDigest(`${registry.address}/mounted/busybox:2`), image.manifestDigest);
    });

    it('picks the platform from an index and says which platforms exist when none fits', async () => {
      const arm = makeOciLayout(join(work, 'arm'), [join(work, 'data-rootfs')], { tag: 'arm' });
      const armConfig = JSON.parse(
        readFileSync(join(arm.layoutDir, 'blobs/sha256', arm.configDigest.slice(7)), 'utf8'),
      );
      assert.equal(armConfig.architecture, 'amd64'); // the helper writes amd64; make an arm64 variant below
      armConfig.architecture = 'arm64';
      armConfig.variant = 'v8';
      const index = makeIndexLayout(join(work, 'multi'), [
        { layout: image, platform: { os: 'linux', architecture: 'amd64' } },
        { layout: arm, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' }, config: armConfig },
      ]);
      execFileSync(
        'skopeo',
        [
          'copy',
          '--quiet',
          '--all',
          '--dest-tls-verify=false',
          `oci:${index}:multi`,
          `docker://${registry.address}/lib/multi:1`,
        ],
        { env: skopeoEnv() },
      );
      const ref = parseReference(`${registry.address}/lib/multi:1`);
      const store = Store.open(join(work, 'multi-store'));
      const amd = await pullImage(store, new RegistryClient(ref.domain), ref, {
        platform: { os: 'linux', architecture: 'amd64' },
      });
      assert.equal(amd.image.config.architecture, 'amd64');
      assert.ok(amd.image.indexDescriptor);
      const arm64 = await pullImage(store, new RegistryClient(ref.domain), ref, {
        platform: { os: 'linux', architecture: 'arm64' },
      });
      assert.equal(arm64.image.config.architecture, 'arm64');
      assert.equal(
        store.resolve(`${registry.address}/lib/multi:1`, { os: 'linux', architecture: 'arm64' }).image.id,
        arm64.image.id,
      );
      await assert.rejects(
        pullImage(store, new RegistryClient(ref.domain), ref, {
          platform: { os: 'linux', architecture: 's390x' },
        }),
        /no matching manifest for linux\/s390x.*offers linux\/amd64, linux\/arm64\/v8/,
      );
    });

    it('rejects a corrupted blob and stores nothing under its digest', async () => {
      const proxy = await startRegistryProxy(registry.address);
      try {
        proxy.behaviour = { corruptAt: 1000 };
        const store = Store.open(join(work, 'corrupt'));
        const ref = parseReference(`${proxy.address}/lib/big:1`);
        await assert.rejects(
          pullImage(store, new RegistryClient(ref.domain), ref, { attempts: 1 }),
          /does not match its digest/,
        );
        assert.equal(store.blobs.has(big.layers[0].digest as never), false);
        assert.deepEqual(readdirSync(store.blobs.ingestDir), []);
        assert.equal(store.images.list().length, 0);
        proxy.behaviour = {};
        const ok = await pullImage(store, new RegistryClient(ref.domain), ref);
        assert.equal(ok.digest, big.manifestDigest);
      } finally {
        await proxy.stop();
      }
    });

    it('resumes a download killed midway (Range from where it stopped)', async function () {
      const proxy = await startRegistryProxy(registry.address);
      const root = join(work, 'resume');
      try {
        proxy.behaviour = { stallAfter: 1 << 20 };
        const child = spawn(process.execPath, [berth, '--root', root, 'pull', `${proxy.address}/lib/big:1`], {
          stdio: 'ignore',
        });
        const partial = join(root, 'ingest', `${big.layers[0].digest.slice(7)}.partial`);
        await waitFor(() => existsSync(partial) && statSync(partial).size >= 1 << 20, 30_000);
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
        assert.equal(statSync(partial).size, 1 << 20);
        proxy.behaviour = {};
        // Async: the proxy runs in this process and must keep serving while berth pulls.
        const second = await runBerthAsync(['--root', root, 'pull', `${proxy.address}/lib/big:1`]);
        assert.equal(second.status, 0, second.stderr);
        assert.ok(proxy.ranges.includes(`bytes=${1 << 20}-`), `ranges seen: ${proxy.ranges.join(', ')}`);
        const store = Store.open(root);
        assert.equal(store.resolve(`${proxy.address}/lib/big:1`).image.id, big.configDigest);
        assert.equal(existsSync(partial), false);
        const [fsDir] = store.snapshots.lowerDirs(
          store.resolve(`${proxy.address}/lib/big:1`).image.chainIds[0],
        );
        assert.deepEqual(
          readFileSync(join(fsDir, 'random.bin')),
          readFileSync(join(work, 'data-rootfs/random.bin')),
        );
      } finally {
        await proxy.stop();
      }
    });

    it('a pull by digest checks the digest; an unknown tag gives the registry error', async () => {
      const store = Store.open(join(work, 'bydigest'));
      const ref = parseReference(`${registry.address}/lib/busybox@${image.manifestDigest}`);
      const result = await pullImage(store, new RegistryClient(ref.domain), ref);
      assert.equal(result.digest, image.manifestDigest);
      const missing = parseReference(`${registry.address}/lib/busybox:nope`);
      await assert.rejects(
        pullImage(store, new RegistryClient(missing.domain), missing),
        /404.*MANIFEST_UNKNOWN/,
      );
    });
  });

  describe('local registry over https with a self-signed certificate', () => {
    let registry: TestRegistry;
    before(async () => {
      registry = await startRegistry({ tls: true });
      skopeoPush(image, `${registry.address}/lib/busybox:1`);
    });
    after(async () => registry?.stop());

    it('pulls over https without verifying the certificate, as Docker does for insecure registries', async () => {
      const store = Store.open(join(work, 'store-tls'));
      const ref = parseReference(`${registry.address}/lib/busybox:1`);
      const result = await pullImage(store, new RegistryClient(ref.domain), ref);
      assert.equal(result.digest, skopeoDigest(`${registry.address}/lib/busybox:1`));
      assert.ok(store.snapshots.has(result.image.chainIds[0]));
    });

    it('verifies the certificate when the same server is reached under another name', async () => {
      const port = registry.address.split(':')[1];
      const ok = await httpRequest(`https://${registry.address}/v2/`, { insecureTlsHost: registry.address });
      await ok.discard();
      assert.equal(ok.status, 200);
      await assert.rejects(
        httpRequest(`https://localhost:${port}/v2/`, { insecureTlsHost: registry.address }),
        /self[- ]signed certificate/,
      );
    });
  });

  describe('a local registry that moves from plain http to https on the same port', () => {
    let registry: TestRegistry | undefined;
    after(async () => registry?.stop());

    it('pulls over the remembered scheme, then falls back to https and remembers that', async () => {
      const store = Store.open(join(work, 'store-moves'));
      const memoryFile = join(store.root, 'registry-schemes.json');
      registry = await startRegistry();
      const { address } = registry;
      const ref = parseReference(`${address}/lib/busybox:1`);
      const pull = () =>
        pullImage(
          store,
          new RegistryClient(ref.domain, { schemeMemory: storeSchemeMemory(store.root) }),
          ref,
        );
      skopeoPush(image, `${address}/lib/busybox:1`);
      const first = await pull();
      assert.deepEqual(JSON.parse(readFileSync(memoryFile, 'utf8')), { [address]: 'http' });

      await registry.stop();
      registry = undefined;
      registry = await startRegistry({ tls: true, port: Number(address.split(':')[1]) });
      skopeoPush(image, `${address}/lib/busybox:1`);
      store.remove(`${address}/lib/busybox:1`, { force: true });
      const second = await pull();
      assert.equal(second.digest, first.digest);
      assert.ok(store.snapshots.has(second.image.chainIds[0]));
      assert.deepEqual(JSON.parse(readFileSync(memoryFile, 'utf8')), { [address]: 'https' });
    });
  });

  describe('basic auth (htpasswd)', () => {
    let registry: TestRegistry;
    before(async () => {
      registry = await startRegistry({ basicAuth: { username: 'alice', password: 's3cret' } });
      skopeoPush(image, `${registry.address}/private/busybox:1`, { creds: 'alice:s3cret' });
    });
    after(async () => registry?.stop());

    it('refuses an anonymous pull with a hint to log in; logs in and pulls with saved credentials', () => {
      const dockerConfig = join(work, 'docker-config-basic');
      const env = { ...process.env, DOCKER_CONFIG: dockerConfig };
      const root = join(work, 'basic-root');
      const anon = runBerth(['--root', root, 'pull', `${registry.address}/private/busybox:1`], env);
      assert.equal(anon.status, 1);
      assert.match(anon.stderr, /berth login 127\.0\.0\.1:\d+/);
      const bad = runBerth(['login', '-u', 'alice', '--password-stdin', registry.address], env, 'wrong\n');
      assert.equal(bad.status, 1, bad.stdout);
      const good = runBerth(['login', '-u', 'alice', '--password-stdin', registry.address], env, 's3cret\n');
      assert.equal(good.status, 0, good.stderr);
      assert.match(good.stdout, /Login Succeeded/);
      const saved = JSON.parse(readFileSync(join(dockerConfig, 'config.json'), 'utf8'));
      assert.equal(Buffer.from(saved.auths[registry.address].auth, 'base64').toString(), 'alice:s3cret');
      const pulled = runBerth(['--root', root, 'pull', `${registry.address}/private/busybox:1`], env);
      assert.equal(pulled.status, 0, pulled.stderr);
      assert.match(pulled.stdout, new RegExp(`Digest: ${image.manifestDigest}`));
    });

    it('takes credentials from a docker-credential helper', () => {
      const bin = join(work, 'helper-bin');
      mkdirSync(bin, { recursive: true });
      const helper = join(bin, 'docker-credential-berthtest');
      writeFileSync(
        helper,
        `#!/bin/sh\nread server\n[ "$1" = get ] && [ "$server" = "${registry.address}" ] && echo '{"Username":"alice","Secret":"s3cret"}' && exit 0\necho "credentials not found in native keychain"; exit 1\n`,
      );
      chmodSync(helper, 0o755);
      const dockerConfig = join(work, 'docker-config-helper');
      mkdirSync(dockerConfig, { recursive: true });
      writeFileSync(
        join(dockerConfig, 'config.json'),
        JSON.stringify({ credHelpers: { [registry.address]: 'berthtest' } }),
      );
      const env = { ...process.env, DOCKER_CONFIG: dockerConfig, PATH: `${bin}:${process.env.PATH}` };
      const pulled = runBerth(
        ['--root', join(work, 'helper-root'), 'pull', `${registry.address}/private/busybox:1`],
        env,
      );
      assert.equal(pulled.status, 0, pulled.stderr);
      const saved = process.env.PATH;
      process.env.PATH = env.PATH;
      try {
        assert.deepEqual(lookupCredentials('elsewhere:5000', join(dockerConfig, 'config.json')), undefined);
      } finally {
        process.env.PATH = saved;
      }
    });
  });

  describe('bearer tokens (token server)', () => {
    let registry: TestRegistry;
    let tokens: TokenServer;
    before(async () => {
      tokens = await startTokenServer({
        users: { bob: 'hunter2' },
        grant: (user, repo, requested) =>
          user === 'bob'
            ? requested
            : repo.startsWith('public/')
              ? requested.filter((a) => a === 'pull')
              : [],
      });
      registry = await startRegistry({
        tokenAuth: {
          realm: tokens.realm,
          service: tokens.service,
          issuer: tokens.issuer,
          certFile: tokens.certFile,
        },
      });
    });
    after(async () => {
      await registry?.stop();
      await tokens?.stop();
    });

    it('pushes with credentials, pulls anonymously where allowed, and caches tokens per scope', async () => {
      const store = Store.open(join(work, 'bearer'));
      const local = parseReference('localhost/busybox:1');
      const loadRef = `${registry.address}/public/busybox:1`;
      // Seed the store from the plain layout through skopeo's docker-archive: a real pull is tested below.
      const bob = (domain: string) =>
        domain === registry.address ? { username: 'bob', password: 'hunter2' } : undefined;
      const seed = startSeed(image, join(work, 'bearer-seed.tar'));
      await loadImages(store, seed);
      store.tag(`sha256:${image.configDigest.slice(7)}`, formatted(local));
      const target = parseReference(loadRef);
      tokens.requests.length = 0;
      const pushed = await pushImage(
        store,
        new RegistryClient(target.domain, { credentials: bob }),
        formatted(local),
        target,
      );
      assert.equal(pushed.digest, image.manifestDigest);
      assert.ok(tokens.requests.every((r) => r.user === 'bob'));
      assert.ok(tokens.requests.some((r) => r.scopes.includes('repository:public/busybox:pull,push')));
      // One client: one token per scope set, reused for every request.
      const pushTokenFetches = tokens.requests.filter(
        (r) => r.scopes.join() === 'repository:public/busybox:pull,push',
      ).length;
      assert.equal(pushTokenFetches, 1, JSON.stringify(tokens.requests));

      tokens.requests.length = 0;
      const anonStore = Store.open(join(work, 'bearer-anon'));
      const pulled = await pullImage(anonStore, new RegistryClient(target.domain), target);
      assert.equal(pulled.digest, image.manifestDigest);
      assert.deepEqual(tokens.requests, [{ scopes: ['repository:public/busybox:pull'], user: undefined }]);

      const privateRef = parseReference(`${registry.address}/private/busybox:1`);
      await assert.rejects(
        pullImage(anonStore, new RegistryClient(privateRef.domain), privateRef),
        /401.*berth login/s,
      );
    });

    it('fetches a new token when the registry refuses the cached one', async () => {
      const store = Store.open(join(work, 'bearer-refresh'));
      const ref = parseReference(`${registry.address}/public/busybox:1`);
      tokens.requests.length = 0;
      tokens.issueExpired(1);
      const pulled = await pullImage(store, new RegistryClient(ref.domain), ref);
      assert.equal(pulled.digest, image.manifestDigest);
      assert.equal(tokens.requests.length, 2, 'the expired token was replaced once');
    });

    it('refuses wrong credentials with a message naming the registry', async () => {
      const ref = parseReference(`${registry.address}/public/busybox:1`);
      const client = new RegistryClient(ref.domain, {
        credentials: () => ({ username: 'bob', password: 'nope' }),
      });
      await assert.rejects(
        pullImage(Store.open(join(work, 'bearer-wrong')), client, ref),
        /refused the credentials.*berth login/,
      );
    });
  });
});

function formatted(ref: ReturnType<typeof parseReference>): string {
  return `${ref.domain}/${ref.path}:${ref.tag}`;
}

function runBerth(
  args: string[],
  env: NodeJS.ProcessEnv,
  input?: string,
): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [berth, ...args], { env, input, encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function runBerthAsync(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [berth, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

/** Tars the OCI layout (an oci-archive) and opens it: loading it keeps every digest. */
function startSeed(layout: LayoutImage, tarPath: string) {
  execFileSync('tar', ['-C', layout.layoutDir, '-cf', tarPath, '.']);
  return createReadStream(tarPath);
}

/** Waits for `check` to hold, looking again on each event-loop turn until the deadline. */
async function waitFor(check: () => boolean, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Writes an OCI layout whose index lists two platform images (copied from the given layouts). */
function makeIndexLayout(
  dir: string,
  entries: {
    layout: LayoutImage;
    platform: { os: string; architecture: string; variant?: string };
    config?: object;
  }[],
): string {
  mkdirSync(join(dir, 'blobs/sha256'), { recursive: true });
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const put = (data: Buffer) => {
    const hex = createHash('sha256').update(data).digest('hex');
    writeFileSync(join(dir, 'blobs/sha256', hex), data);
    return { digest: `sha256:${hex}`, size: data.length };
  };
  const manifests = entries.map(({ layout, platform, config }) => {
    cpSync(join(layout.layoutDir, 'blobs/sha256'), join(dir, 'blobs/sha256'), { recursive: true });
    let manifest = JSON.parse(
      readFileSync(join(layout.layoutDir, 'blobs/sha256', layout.manifestDigest.slice(7)), 'utf8'),
    );
    if (config) {
      const c = put(Buffer.from(JSON.stringify(config)));
      manifest = { ...manifest, config: { ...manifest.config, ...c } };
    }
    const m = put(Buffer.from(JSON.stringify(manifest)));
    return { mediaType: 'application/vnd.oci.image.manifest.v1+json', ...m, platform };
  });
  const index = put(
    Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }),
    ),
  );
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.index.v1+json',
          ...index,
          annotations: { 'org.opencontainers.image.ref.name': 'multi' },
        },
      ],
    }),
  );
  return dir;
}
