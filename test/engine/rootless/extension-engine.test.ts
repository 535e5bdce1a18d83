// The extension's engine start for a normal user: client/src/engine/bundled.ts (the module the
// extension starts berthd with, free of `vscode`) run as the unprivileged test user
// (`berth-rootless`, made by .ci/rootless-user), from a copy of what the .vsix carries. berthd must
// come up rootless on the user's default socket, say so in /info, and stop on Stop Engine's path.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipIfBlocked } from '../../helpers/skip';
import { stageBerthForUser, stopKeeper } from '../../helpers/rootless';

const repo = join(__dirname, '../../../..');
const user = process.env.BERTH_ROOTLESS_USER || 'berth-rootless';

function userIds(name: string): { uid: number; gid: number } | undefined {
  const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  if (uid.status !== 0) return undefined;
  return { uid: Number(uid.stdout), gid: Number(spawnSync('id', ['-g', name], { encoding: 'utf8' }).stdout) };
}

function blocked(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (to run the extension’s engine start as the test user)';
  if (!userIds(user)) return `needs the user ${user} with subordinate ids: run .ci/rootless-user as root`;
  if (!existsSync('/usr/bin/newuidmap')) return 'needs newuidmap and newgidmap (apt-get install uidmap)';
  if (
    !existsSync(join(repo, 'dist/engine/cli/berthd.js')) ||
    !existsSync(join(repo, 'out/native/berth-userns'))
  )
    return 'needs a build (npm run build)';
  return undefined;
}

/** What the driver does as the user: the extension's own calls, then /info over the socket. */
const driver = `
const http = require('node:http');
const { BundledEngine } = require('./out/client/src/engine/bundled.js');
const { bundledSocketPath } = require('./out/client/src/engine/target.js');
const { pingSocket } = require('./out/client/src/engine/socketWait.js');
const info = (socketPath) => new Promise((resolve, reject) => {
  http.get({ socketPath, path: '/info' }, (res) => {
    let body = '';
    res.on('data', (d) => (body += d));
    res.on('end', () => resolve(JSON.parse(body)));
  }).on('error', reject);
});
(async () => {
  const socket = bundledSocketPath(process.env, process.getuid());
  const engine = new BundledEngine(process.cwd() + '/bin/berthd', process.env.HOME + '/berthd.log');
  const settings = { dataRoot: '', execRoot: '' };
  await engine.start(socket, settings);
  const answer = await info(socket);
  await engine.stop(socket, settings);
  const after = await pingSocket(socket);
  console.log(JSON.stringify({ socket, securityOptions: answer.SecurityOptions, dockerRootDir: answer.DockerRootDir, answersAfterStop: after }));
})().catch((err) => { console.error(err.message); process.exit(1); });
`;

describe('the extension starts its bundled engine rootless for a normal user', function () {
  this.timeout(120_000);
  let work: string;

  before(function () {
    skipIfBlocked(this, blocked());
  });

  after(() => {
    if (work) stopKeeper(join(work, 'xdg-runtime'));
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('BundledEngine.start brings berthd up rootless on $XDG_RUNTIME_DIR/berth/berth.sock; stop ends it', async () => {
    const ids = userIds(user)!;
    work = mkdtempSync(join(tmpdir(), 'berth-ext-rootless-'));
    chmodSync(work, 0o755);
    // The user gets a copy of what the .vsix carries, plus the extension's engine modules.
    const stage = stageBerthForUser(work, ['out/client/src/engine']);
    const home = join(work, 'home');
    const runtime = join(work, 'xdg-runtime');
    for (const dir of [home, runtime]) {
      mkdirSync(dir, { mode: 0o700 });
      chownSync(dir, ids.uid, ids.gid);
    }
    const env = [
      `HOME=${home}`,
      `XDG_RUNTIME_DIR=${runtime}`,
      'PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin',
    ];
    const child = spawn('runuser', ['-u', user, '--', 'env', '-i', ...env, process.execPath, '-e', driver], {
      cwd: stage,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const status = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    assert.equal(status, 0, `the driver failed: ${stderr}`);
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as {
      socket: string;
      securityOptions: string[];
      dockerRootDir: string;
      answersAfterStop: boolean;
    };
    assert.equal(result.socket, join(runtime, 'berth', 'berth.sock'));
    assert.ok(
      result.securityOptions.includes('name=rootless'),
      `/info says ${JSON.stringify(result.securityOptions)}`,
    );
    assert.equal(result.dockerRootDir, join(home, '.local/share/berth'));
    assert.equal(result.answersAfterStop, false, 'berthd still answers after stop');
  });
});
