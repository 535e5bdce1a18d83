// The extension's engine start for a normal user: client/src/engine/bundled.ts (the module the
// extension starts berthd with, free of `vscode`) run as the unprivileged test user
// (`berth-rootless`, made by .ci/rootless-user), from a copy of what the .vsix carries. berthd must
// come up rootless on the user's default socket, say so in /info, and stop on Stop Engine's path.
// It goes through `systemd-run --user --scope -p Delegate=yes` where a systemd user manager can make
// it a delegated scope (client/src/engine/scope.ts). This host has systemd-run but no systemd user
// manager: the real systemd-run can only show the fallback (berthd started directly, one log line
// saying why there are no limits); a fake systemd-run shows the arguments and the pid tracking.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipBecause, skipIfBlocked } from '../../helpers/skip';
import { extensionEngineModules, stageBerthForUser, stopKeeper, stopLink } from '../../helpers/rootless';

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
const { readFileSync } = require('node:fs');
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
  const logFile = process.env.HOME + '/berthd.log';
  const engine = new BundledEngine(process.cwd() + '/bin/berthd', logFile);
  const settings = { dataRoot: '', execRoot: '' };
  const started = await engine.start(socket, settings);
  const answer = await info(socket);
  // berthd runs under berth-userns's supervisor: the process the extension spawned.
  const pid = readFileSync(process.env.XDG_RUNTIME_DIR + '/berth/berthd.pid', 'utf8').trim();
  const supervisor = Number(/^PPid:\\s+(\\d+)/m.exec(readFileSync('/proc/' + pid + '/status', 'utf8'))[1]);
  await engine.stop(socket, settings);
  const after = await pingSocket(socket);
  console.log(JSON.stringify({
    socket, securityOptions: answer.SecurityOptions, dockerRootDir: answer.DockerRootDir,
    answersAfterStop: after, cgroupNote: started.cgroupNote, supervisor, log: readFileSync(logFile, 'utf8'),
  }));
})().catch((err) => { console.error(err.message); process.exit(1); });
`;

interface DriverResult {
  socket: string;
  securityOptions: string[];
  dockerRootDir: string;
  answersAfterStop: boolean;
  cgroupNote?: string;
  supervisor: number;
  log: string;
}

describe('the extension starts its bundled engine rootless for a normal user', function () {
  this.timeout(120_000);
  let work: string | undefined;
  let stage: string;
  const runtimes: string[] = [];

  before(function () {
    skipIfBlocked(this, blocked());
    work = mkdtempSync(join(tmpdir(), 'berth-ext-rootless-'));
    chmodSync(work, 0o755);
    // The user gets a copy of what the .vsix carries, plus the extension's engine modules.
    stage = stageBerthForUser(work, extensionEngineModules);
  });

  after(() => {
    for (const runtime of runtimes) {
      // A driver that failed half-way leaves its berthd running: stop it, the namespace's keeper and its link.
      try {
        const pid = Number(readFileSync(join(runtime, 'berth/berthd.pid'), 'utf8').trim());
        if (pid > 1) process.kill(pid, 'SIGTERM');
      } catch {
        // not running
      }
      stopKeeper(runtime);
      stopLink(runtime);
    }
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** A fresh HOME and XDG_RUNTIME_DIR for the user, named after `name`. */
  function session(name: string): { home: string; runtime: string } {
    const ids = userIds(user)!;
    const home = join(work!, `${name}-home`);
    const runtime = join(work!, `${name}-xdg-runtime`);
    for (const dir of [home, runtime]) {
      mkdirSync(dir, { mode: 0o700 });
      chownSync(dir, ids.uid, ids.gid);
    }
    runtimes.push(runtime);
    return { home, runtime };
  }

  async function drive(env: string[]): Promise<DriverResult> {
    const child = spawn('runuser', ['-u', user, '--', 'env', '-i', ...env, process.execPath, '-e', driver], {
      cwd: stage,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // The driver's own waits have deadlines (30 s to start, 20 s to stop); mocha's timeout is the last resort.
    const status = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    assert.equal(status, 0, `the driver failed: ${stderr}`);
    return JSON.parse(stdout.trim().split('\n').pop()!) as DriverResult;
  }

  function assertRootlessUp(result: DriverResult, home: string, runtime: string): void {
    assert.equal(result.socket, join(runtime, 'berth', 'berth.sock'));
    assert.ok(
      result.securityOptions.includes('name=rootless'),
      `/info says ${JSON.stringify(result.securityOptions)}`,
    );
    assert.equal(result.dockerRootDir, join(home, '.local/share/berth'));
    assert.equal(result.answersAfterStop, false, 'berthd still answers after stop');
  }

  const systemPath = 'PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin';

  it('BundledEngine.start brings berthd up rootless on $XDG_RUNTIME_DIR/berth/berth.sock; stop ends it; no user manager: one log line says why there are no limits', async () => {
    const { home, runtime } = session('plain');
    const result = await drive([`HOME=${home}`, `XDG_RUNTIME_DIR=${runtime}`, systemPath]);
    assertRootlessUp(result, home, runtime);
    const expected = `no systemd user manager to ask for one (neither ${runtime}/systemd/private nor ${runtime}/bus exists`;
    assert.ok(result.cgroupNote?.includes(expected), `the note: ${result.cgroupNote}`);
    const lines = result.log.split('\n').filter((l) => l.includes('berthd gets no delegated cgroup'));
    assert.equal(lines.length, 1, `berthd's log:\n${result.log}`);
    assert.match(
      lines[0],
      /level=warn source=extension msg=.*systemd-run --user --scope -p Delegate=yes berthd/,
    );
  });

  // The test runs in no user@.service; the user lingering is what lets the starter put berthd under
  // the user's systemd (scope.ts). logind reads this file, and does not run on this host.
  const lingerDir = '/var/lib/systemd/linger';
  let madeLinger: string[] = [];
  function linger(): void {
    if (!existsSync(lingerDir)) {
      mkdirSync(lingerDir, { recursive: true });
      madeLinger.push(lingerDir);
    }
    const file = join(lingerDir, user);
    if (!existsSync(file)) {
      writeFileSync(file, '');
      madeLinger.unshift(file);
    }
  }
  afterEach(() => {
    for (const made of madeLinger) rmSync(made, { recursive: true, force: true });
    madeLinger = [];
  });

  /**
   * A fake systemd-run, first on PATH, and the user manager's socket as far as the starter looks (it
   * checks that the file exists). The fake stands in for systemd-run --scope: it records its pid and
   * arguments, then execs the command after `--` in place, as the real one does once systemd has
   * made the scope.
   */
  function fakeSystemd(home: string, runtime: string): { record: string; env: string[] } {
    const ids = userIds(user)!;
    mkdirSync(join(runtime, 'systemd'));
    writeFileSync(join(runtime, 'systemd/private'), '');
    chownSync(join(runtime, 'systemd'), ids.uid, ids.gid);
    const fakeBin = join(home, 'fake-bin');
    const record = join(home, 'systemd-run.calls');
    mkdirSync(fakeBin, { mode: 0o755 });
    writeFileSync(
      join(fakeBin, 'systemd-run'),
      `#!/bin/sh\necho "$$ $*" >> '${record}'\nwhile [ $# -gt 0 ]; do a=$1; shift; [ "$a" = -- ] && break; done\nexec "$@"\n`,
      { mode: 0o755 },
    );
    const env = [
      `HOME=${home}`,
      `XDG_RUNTIME_DIR=${runtime}`,
      `PATH=${fakeBin}:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin`,
    ];
    return { record, env };
  }

  it('an editor in a login session whose user does not linger: berthd starts directly (its containers outlive the logout), systemd-run is not asked, the log says why', async () => {
    const { home, runtime } = session('session');
    const { record, env } = fakeSystemd(home, runtime);
    const result = await drive(env);
    assertRootlessUp(result, home, runtime);
    assert.match(result.cgroupNote ?? '', /the editor runs in a login session, outside the user's systemd/);
    assert.equal(
      existsSync(record),
      false,
      `systemd-run was run: ${existsSync(record) && readFileSync(record, 'utf8')}`,
    );
  });

  it('the real systemd-run cannot reach a user manager (no bus at DBUS_SESSION_BUS_ADDRESS): berthd starts directly, the log says why', async function () {
    if (!existsSync('/usr/bin/systemd-run'))
      skipBecause(this, "needs /usr/bin/systemd-run (Debian's systemd package; .ci/setup's hosts have it)");
    const { home, runtime } = session('nobus');
    linger();
    const result = await drive([
      `HOME=${home}`,
      `XDG_RUNTIME_DIR=${runtime}`,
      `DBUS_SESSION_BUS_ADDRESS=unix:path=${join(runtime, 'no-bus-here')}`,
      systemPath,
    ]);
    assertRootlessUp(result, home, runtime);
    assert.match(
      result.cgroupNote ?? '',
      /systemd-run could not make a scope \(Failed to connect to bus: No such file or directory, exit 1\); start berthd yourself/,
    );
    assert.equal(
      result.log.split('\n').filter((l) => l.includes('could not make a scope')).length,
      1,
      result.log,
    );
  });

  it('with a user manager: berthd goes through systemd-run --user --scope -p Delegate=yes, and the pid the extension spawned is berthd’s supervisor (a fake systemd-run stands in for systemd, which this host lacks)', async () => {
    const { home, runtime } = session('scope');
    linger();
    const { record, env } = fakeSystemd(home, runtime);
    const result = await drive(env);
    assertRootlessUp(result, home, runtime);
    assert.equal(result.cgroupNote, undefined, 'no note when the scope was made');
    assert.doesNotMatch(result.log, /no delegated cgroup/);
    const calls = readFileSync(record, 'utf8').trim().split('\n');
    assert.equal(calls.length, 2, `systemd-run's calls:\n${calls.join('\n')}`);
    const flags = '--user --scope --quiet --collect --property=Delegate=yes';
    // First the probe (is a scope possible?), then berthd itself in a scope of its own.
    assert.match(calls[0], new RegExp(`^\\d+ ${flags} --description=Berth engine \\(berthd\\) -- true$`));
    const berthd = new RegExp(
      `^(\\d+) ${flags} --unit=berthd-[0-9a-f]{8} --description=Berth engine \\(berthd\\) -- \\S+ --max-semi-space-size=1 ${stage}/bin/berthd --host unix://${runtime}/berth/berth.sock$`,
    ).exec(calls[1]);
    assert.ok(berthd, `the second call: ${calls[1]}`);
    assert.equal(
      Number(berthd[1]),
      result.supervisor,
      'the pid systemd-run ran as is not berthd’s supervisor',
    );
  });
});
