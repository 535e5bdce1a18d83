// berthd dies, containers live on; many runs at once; bad requests get Docker-style answers.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { berthdForSuite, daemonTestsBlocked, type TestDaemon } from '../../helpers/berthd';

function api(
  d: TestDaemon,
  method: string,
  path: string,
  body?: string,
): Promise<{ status: number; json: unknown; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath: d.socket, method, path, headers: body ? { 'Content-Type': 'application/json' } : {} },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => {
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, json, text });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGKILLs berthd and starts it again, nine times, at moments varied to land right after a start
 * (while the backlog is being taken) and mid-flow. */
async function killAndRestartRepeatedly(d: TestDaemon): Promise<void> {
  for (const delayMs of [0, 150, 40, 400, 5, 250, 90, 0, 700]) {
    await new Promise((r) => setTimeout(r, delayMs));
    await d.kill();
    await d.restart();
  }
}

describe('berthd reliability', function () {
  let d: TestDaemon;

  berthdForSuite(daemonTestsBlocked, (started) => (d = started));

  it('keeps containers running through a SIGKILL of berthd and re-adopts them (state, logs, exit codes)', async () => {
    const run = await d.docker([
      'run',
      '-d',
      '--name',
      'survivor',
      '--network',
      'none',
      'busybox',
      'sh',
      '-c',
      'trap "exit 42" TERM; i=0; while true; do echo line $i; i=$((i+1)); sleep 0.1; done',
    ]);
    assert.equal(run.status, 0, run.stderr);
    const short = await d.docker([
      'run',
      '-d',
      '--name',
      'short',
      '--network',
      'none',
      'busybox',
      'sleep',
      '100',
    ]);
    assert.equal(short.status, 0, short.stderr);
    const pid = JSON.parse((await d.docker(['inspect', 'survivor'])).stdout)[0].State.Pid as number;
    const shortPid = JSON.parse((await d.docker(['inspect', 'short'])).stdout)[0].State.Pid as number;
    assert.ok(pid > 0 && shortPid > 0, 'both containers run');
    await d.kill();
    // The container's process outlives the daemon; the short one ends while berthd is away.
    process.kill(pid, 0);
    process.kill(shortPid, 'SIGKILL');
    await d.restart();
    const states = (await d.docker(['ps', '-a', '--format', '{{.Names}} {{.State}}'])).stdout;
    assert.match(states, /^survivor running$/m);
    assert.match(states, /^short exited$/m);
    assert.equal(JSON.parse((await d.docker(['inspect', 'short'])).stdout)[0].State.ExitCode, 137);
    // Output made while berthd was down is not lost, and the log goes on.
    const before = (await d.docker(['logs', 'survivor'])).stdout.trim().split('\n');
    const numbers = before.map((l) => Number(l.split(' ')[1]));
    assert.deepEqual(
      numbers,
      numbers.map((_, i) => i),
      'no line lost or repeated',
    );
    const stop = await d.docker(['stop', 'survivor']);
    assert.equal(stop.status, 0, stop.stderr);
    assert.equal(JSON.parse((await d.docker(['inspect', 'survivor'])).stdout)[0].State.ExitCode, 42);
    await d.docker(['rm', 'survivor', 'short']);
  });

  it('loses and repeats no output line through a loop of SIGKILLs of berthd while output flows fast', async function () {
    this.timeout(300_000);
    const lines = 60_000;
    // Every 50th stdout line is written in two parts 3 ms apart (with a stderr line between), so
    // berthd is often killed holding half a line.
    const script =
      `i=0; while [ $i -lt ${lines} ]; do printf "out $i"; ` +
      'if [ $((i % 50)) = 0 ]; then usleep 3000; echo "err $i" >&2; fi; echo; i=$((i+1)); done; exit 7';
    const run = await d.docker([
      'run',
      '-d',
      '--name',
      'flood',
      '--network',
      'none',
      'busybox',
      'sh',
      '-c',
      script,
    ]);
    assert.equal(run.status, 0, run.stderr);
    const pid = JSON.parse((await d.docker(['inspect', 'flood'])).stdout)[0].State.Pid as number;
    await killAndRestartRepeatedly(d);
    const waited = await d.docker(['wait', 'flood'], { timeoutMs: 240_000 });
    assert.equal(waited.stdout.trim(), '7', waited.stderr);
    assert.throws(() => process.kill(pid, 0), 'the container process is gone');
    const logs = await d.docker(['logs', 'flood'], { timeoutMs: 120_000 });
    assert.equal(logs.status, 0, logs.stderr);
    const numbers = (text: string, tag: string) =>
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => {
          const m = new RegExp(`^${tag} (\\d+)$`).exec(l);
          assert.ok(m, `a whole ${tag} line: ${JSON.stringify(l)}`);
          return Number(m[1]);
        });
    const out = numbers(logs.stdout, 'out');
    const firstWrong = out.findIndex((n, i) => n !== i);
    assert.equal(firstWrong, -1, `stdout line ${firstWrong} is ${out[firstWrong]}`);
    assert.equal(out.length, lines);
    const err = numbers(logs.stderr, 'err');
    assert.deepEqual(
      err,
      Array.from({ length: lines / 50 }, (_, i) => i * 50),
    );
    assert.equal(JSON.parse((await d.docker(['inspect', 'flood'])).stdout)[0].State.ExitCode, 7);
    await d.docker(['rm', 'flood']);
  });

  it('loses and repeats no output line of a TTY container through a loop of SIGKILLs of berthd', async function () {
    this.timeout(300_000);
    const lines = 30_000;
    // As above, every 50th line in two parts 3 ms apart: berthd is often killed mid-line.
    const script =
      `i=0; while [ $i -lt ${lines} ]; do printf "tty $i"; ` +
      'if [ $((i % 50)) = 0 ]; then usleep 3000; fi; echo; i=$((i+1)); done; exit 5';
    const run = await d.docker([
      'run',
      '-d',
      '-t',
      '--name',
      'ttyflood',
      '--network',
      'none',
      'busybox',
      'sh',
      '-c',
      script,
    ]);
    assert.equal(run.status, 0, run.stderr);
    await killAndRestartRepeatedly(d);
    const waited = await d.docker(['wait', 'ttyflood'], { timeoutMs: 240_000 });
    assert.equal(waited.stdout.trim(), '5', waited.stderr);
    const logs = await d.docker(['logs', 'ttyflood'], { timeoutMs: 120_000 });
    assert.equal(logs.status, 0, logs.stderr);
    assert.equal(logs.stderr, '', 'a TTY has one stream');
    // The terminal ends lines with \r\n.
    const got = logs.stdout.split('\r\n');
    assert.equal(got.pop(), '', 'the log ends with a whole line');
    const firstWrong = got.findIndex((l, i) => l !== `tty ${i}`);
    assert.equal(firstWrong, -1, `line ${firstWrong} is ${JSON.stringify(got[firstWrong])}`);
    assert.equal(got.length, lines);
    await d.docker(['rm', 'ttyflood']);
  });

  it('keeps the output of a container that wrote it and exited while berthd was down', async function () {
    this.timeout(120_000);
    const gate = mkdtempSync(join(tmpdir(), 'berth-lastwords-'));
    try {
      const script =
        'while [ ! -e /gate/go ]; do usleep 10000; done; i=0; while [ $i -lt 2000 ]; do ' +
        'echo "out $i"; echo "err $i" >&2; i=$((i+1)); done; printf "no newline"; exit 3';
      const run = await d.docker([
        'run',
        '-d',
        '--name',
        'lastwords',
        '--network',
        'none',
        '-v',
        `${gate}:/gate`,
        'busybox',
        'sh',
        '-c',
        script,
      ]);
      assert.equal(run.status, 0, run.stderr);
      const pid = JSON.parse((await d.docker(['inspect', 'lastwords'])).stdout)[0].State.Pid as number;
      const before = await d.docker(['logs', 'lastwords']);
      assert.equal(before.stdout + before.stderr, '', 'no output before the gate opens');
      await d.kill();
      writeFileSync(join(gate, 'go'), '');
      // The container writes everything and exits with no berthd reading.
      const deadline = Date.now() + 60_000;
      while (processAlive(pid)) {
        assert.ok(Date.now() < deadline, 'the container exits');
        await new Promise((r) => setTimeout(r, 20));
      }
      await d.restart();
      assert.equal(JSON.parse((await d.docker(['inspect', 'lastwords'])).stdout)[0].State.ExitCode, 3);
      const logs = await d.docker(['logs', 'lastwords']);
      const expected = (tag: string) => Array.from({ length: 2000 }, (_, i) => `${tag} ${i}`);
      assert.deepEqual(logs.stdout.split('\n'), [...expected('out'), 'no newline']);
      assert.deepEqual(logs.stderr.split('\n'), [...expected('err'), '']);
    } finally {
      await d.docker(['rm', '-f', 'lastwords']);
      rmSync(gate, { recursive: true, force: true });
    }
  });

  it('keeps a TTY container running through a SIGKILL of berthd, with its terminal, log and exit code', async function () {
    this.timeout(120_000);
    const run = await d.docker([
      'run',
      '-d',
      '-t',
      '--name',
      'ttysurvivor',
      '--network',
      'none',
      'busybox',
      'sh',
      '-c',
      'trap "exit 42" TERM; i=0; while true; do echo "tty $i"; i=$((i+1)); usleep 20000; done',
    ]);
    assert.equal(run.status, 0, run.stderr);
    const pid = JSON.parse((await d.docker(['inspect', 'ttysurvivor'])).stdout)[0].State.Pid as number;
    const ttyNumbers = async (): Promise<number[]> =>
      (await d.docker(['logs', 'ttysurvivor'])).stdout
        .split(/\r?\n/)
        .filter(Boolean)
        .map((l) => Number(/^tty (\d+)$/.exec(l)?.[1] ?? NaN));
    for (let kill = 0; kill < 3; kill++) {
      await d.kill();
      assert.ok(processAlive(pid), 'the process keeps running without berthd (no hangup)');
      await d.restart();
      assert.match(
        (await d.docker(['ps', '--format', '{{.Names}} {{.State}}'])).stdout,
        /^ttysurvivor running$/m,
      );
    }
    // The log goes on after the re-adoption, with every line once and in order.
    const seen = (await ttyNumbers()).length;
    const deadline = Date.now() + 30_000;
    let numbers = await ttyNumbers();
    while (numbers.length < seen + 20) {
      assert.ok(Date.now() < deadline, 'the log grows after re-adoption');
      await new Promise((r) => setTimeout(r, 50));
      numbers = await ttyNumbers();
    }
    assert.deepEqual(
      numbers,
      numbers.map((_, i) => i),
    );
    const stop = await d.docker(['stop', 'ttysurvivor']);
    assert.equal(stop.status, 0, stop.stderr);
    assert.equal(JSON.parse((await d.docker(['inspect', 'ttysurvivor'])).stdout)[0].State.ExitCode, 42);
    await d.docker(['rm', 'ttysurvivor']);
  });

  it('takes input for a TTY container after berthd was SIGKILLed and restarted', async function () {
    this.timeout(120_000);
    const run = await d.docker([
      'run',
      '-dit',
      '--name',
      'ttyinput',
      '--network',
      'none',
      'busybox',
      'sh',
      '-c',
      'while read l; do echo "got:$l"; done',
    ]);
    assert.equal(run.status, 0, run.stderr);
    await d.kill();
    await d.restart();
    // Attach with stdin as the docker CLI does (a hijacked connection), and type a line.
    const socket = await new Promise<Socket>((resolve, reject) => {
      const req = request({
        socketPath: d.socket,
        method: 'POST',
        path: '/v1.41/containers/ttyinput/attach?stream=1&stdin=1&stdout=1',
        headers: { Connection: 'Upgrade', Upgrade: 'tcp' },
      });
      req.on('upgrade', (_res, s) => resolve(s));
      req.on('response', (res) => reject(new Error(`attach answered ${res.statusCode}`)));
      req.on('error', reject);
      req.end();
    });
    let echoed = '';
    socket.on('data', (c: Buffer) => (echoed += c.toString()));
    socket.write('after restart\r');
    const deadline = Date.now() + 30_000;
    while (!echoed.includes('got:after restart') && Date.now() < deadline)
      await Promise.race([
        new Promise((r) => socket.once('data', r)),
        new Promise((r) => setTimeout(r, deadline - Date.now())),
      ]);
    socket.destroy();
    assert.match(echoed, /got:after restart/, 'the attached client sees the answer');
    assert.match(
      (await d.docker(['logs', 'ttyinput'])).stdout,
      /^got:after restart\r$/m,
      'and so does the log',
    );
    await d.docker(['rm', '-f', 'ttyinput']);
  });

  it('runs 50 `run --rm` at once, all succeeding', async function () {
    this.timeout(300_000);
    // Labelled, so what is counted afterwards is these runs, not what an earlier failed test left.
    const label = 'berth.test=run-rm-50';
    const runs = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        d.docker(['run', '--rm', '--label', label, '--network', 'none', 'busybox', 'echo', `run ${i}`], {
          timeoutMs: 280_000,
        }),
      ),
    );
    runs.forEach((r, i) => {
      assert.equal(r.status, 0, `run ${i}: ${r.stderr}`);
      assert.equal(r.stdout.trim(), `run ${i}`);
    });
    assert.equal((await d.docker(['ps', '-aq', '--filter', `label=${label}`])).stdout.trim(), '');
  });

  it('answers bad requests with Docker-style JSON errors and the right status codes', async () => {
    const cases: [string, string, string | undefined, number, RegExp][] = [
      ['GET', '/v1.45/containers/nothere/json', undefined, 404, /No such container: nothere/],
      ['POST', '/v1.45/containers/create', '{"Image":', 400, /not valid JSON/],
      [
        'POST',
        '/v1.45/containers/create',
        '{"Image":"busybox","HostConfig":{"Memory":"lots"}}',
        400,
        /HostConfig\.Memory must be a number/,
      ],
      ['POST', '/v1.45/containers/create', '{"Image":"nothere:1"}', 404, /No such image/],
      ['POST', '/v1.45/containers/create?name=a%20b', '{"Image":"busybox"}', 400, /Invalid container name/],
      [
        'POST',
        '/v1.45/containers/create',
        '{"Image":"busybox","HostConfig":{"CapAdd":["CAP_FLY"]}}',
        400,
        /unknown capability/,
      ],
      [
        'POST',
        '/v1.45/containers/create',
        '{"Image":"busybox","HostConfig":{"Binds":["relative:dir"]}}',
        400,
        /mount path must be absolute/,
      ],
      [
        'GET',
        '/v1.45/containers/json?filters=%7B%22colour%22%3A%5B%22red%22%5D%7D',
        undefined,
        400,
        /invalid filter 'colour'/,
      ],
      ['GET', '/v1.99/version', undefined, 400, /too new/],
      ['GET', '/v1.45/nope', undefined, 404, /page not found/],
      ['DELETE', '/v1.45/images/nothere', undefined, 404, /No such image/],
      ['GET', '/v1.45/volumes/nothere', undefined, 404, /no such volume/],
      ['POST', '/v1.45/networks/create', '{"Name":"x","Driver":"overlay"}', 400, /not supported/],
    ];
    for (const [method, path, body, status, message] of cases) {
      const r = await api(d, method, path, body);
      assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
      assert.match((r.json as { message: string }).message, message, `${method} ${path}`);
    }
    // 304 and 409 from the state machine.
    const created = await api(
      d,
      'POST',
      '/v1.45/containers/create?name=statey',
      '{"Image":"busybox","Cmd":["sleep","100"],"HostConfig":{"NetworkMode":"none"}}',
    );
    assert.equal(created.status, 201);
    assert.equal((await api(d, 'POST', '/v1.45/containers/statey/stop')).status, 304);
    assert.equal((await api(d, 'POST', '/v1.45/containers/statey/start')).status, 204);
    assert.equal((await api(d, 'POST', '/v1.45/containers/statey/start')).status, 304);
    const rm = await api(d, 'DELETE', '/v1.45/containers/statey');
    assert.equal(rm.status, 409);
    assert.match(
      (rm.json as { message: string }).message,
      /stop the container before removing or force remove/,
    );
    assert.equal((await api(d, 'DELETE', '/v1.45/containers/statey?force=1')).status, 204);
  });
});
