// berthd dies, containers live on; many runs at once; bad requests get Docker-style answers.
import * as assert from 'node:assert/strict';
import { request } from 'node:http';
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
