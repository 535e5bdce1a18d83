// Other real clients of the Engine API against berthd: Debian's docker-compose 1.29 (docker-py)
// and the npm dockerode client.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import Docker from 'dockerode';
import { berthdForSuite, daemonTestsBlocked, type RunResult, type TestDaemon } from '../../helpers/berthd';
import { skipBecause } from '../../helpers/skip';

const composeBin = '/usr/bin/docker-compose';

describe('Engine API clients against berthd', function () {
  let d: TestDaemon;

  berthdForSuite(daemonTestsBlocked, (started) => (d = started));

  function compose(dir: string, args: string[]): Promise<RunResult> {
    return new Promise((resolve) => {
      const p = spawn(composeBin, ['--no-ansi', ...args], { cwd: dir, env: d.env });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const timer = setTimeout(() => p.kill('SIGKILL'), 120_000);
      p.on('close', (code) => {
        clearTimeout(timer);
        resolve({ status: code ?? -1, stdout, stderr });
      });
    });
  }

  it('docker-compose 1.29 brings a two-service project up -d, lists it, shows its logs and takes it down', async function () {
    if (!existsSync(composeBin)) {
      skipBecause(this, 'needs docker-compose (apt-get install docker-compose, see .ci/setup)');
    }
    const dir = join(d.dir, 'compose-project');
    mkdirSync(dir, { recursive: true });
    const project = `bt${Math.random().toString(36).slice(2, 8)}`;
    writeFileSync(
      join(dir, 'docker-compose.yml'),
      [
        'version: "3.8"',
        'services:',
        '  web:',
        '    image: busybox',
        '    command: ["httpd", "-f", "-p", "8080", "-h", "/www"]',
        '    init: true',
        '    volumes: ["www:/www"]',
        '  worker:',
        '    image: busybox',
        `    command: ["sh", "-c", "echo worker started in $$MODE mode; trap 'exit 0' TERM; while true; do sleep 0.2; done"]`,
        '    depends_on: [web]',
        '    environment:',
        '      MODE: batch',
        'volumes:',
        '  www: {}',
        '',
      ].join('\n'),
    );
    const expectOk = (r: RunResult, what: string): string => {
      assert.equal(r.status, 0, `docker-compose ${what} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
      return r.stdout;
    };
    expectOk(await compose(dir, ['-p', project, 'up', '-d']), 'up -d');
    const running = (
      await d.docker([
        'ps',
        '--filter',
        `label=com.docker.compose.project=${project}`,
        '--format',
        '{{.Names}}',
      ])
    ).stdout
      .trim()
      .split('\n')
      .sort();
    assert.deepEqual(running, [`${project}_web_1`, `${project}_worker_1`]);

    const ps = expectOk(await compose(dir, ['-p', project, 'ps']), 'ps');
    assert.match(ps, new RegExp(`^${project}_web_1 .* Up`, 'm'));
    assert.match(ps, new RegExp(`^${project}_worker_1 .* Up`, 'm'));

    // The worker's line reaches the log once its shell has run; wait on it with a deadline.
    const deadline = Date.now() + 20_000;
    let logs = '';
    while (!/worker_1 +\| worker started in batch mode/.test(logs)) {
      assert.ok(Date.now() < deadline, `no worker line in the logs:\n${logs}`);
      logs = expectOk(await compose(dir, ['-p', project, 'logs', '--no-color']), 'logs');
    }

    expectOk(await compose(dir, ['-p', project, 'down', '-v']), 'down -v');
    assert.equal(
      (
        await d.docker(['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`])
      ).stdout.trim(),
      '',
    );
    const networks = (await d.docker(['network', 'ls', '--format', '{{.Name}}'])).stdout;
    assert.doesNotMatch(networks, new RegExp(`${project}_default`));
    const volumes = (await d.docker(['volume', 'ls', '--format', '{{.Name}}'])).stdout;
    assert.doesNotMatch(volumes, new RegExp(`${project}_www`));
  });

  it('dockerode lists, creates, starts, attaches to and removes containers', async () => {
    const docker = new Docker({ socketPath: d.socket });
    const name = `dockerode-${Math.random().toString(36).slice(2, 8)}`;
    const container = await docker.createContainer({
      name,
      Image: 'busybox',
      Cmd: ['sh', '-c', 'read line; echo "got $line"; echo "to stderr" >&2; exit 4'],
      OpenStdin: true,
      StdinOnce: true,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      HostConfig: { NetworkMode: 'none' },
    });
    const listed = await docker.listContainers({ all: true, filters: { name: [name] } });
    assert.equal(listed.length, 1);
    assert.equal(listed[0].State, 'created');

    const stream = await container.attach({
      stream: true,
      stdin: true,
      stdout: true,
      stderr: true,
      hijack: true,
    });
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (c: Buffer) => (out += c.toString()));
    stderr.on('data', (c: Buffer) => (err += c.toString()));
    docker.modem.demuxStream(stream, stdout, stderr);
    const ended = new Promise((resolve) => stream.on('end', resolve));
    await container.start();
    stream.end('hello dockerode\n');
    const exit = (await container.wait()) as { StatusCode: number };
    await ended;
    assert.equal(exit.StatusCode, 4);
    assert.equal(out, 'got hello dockerode\n');
    assert.equal(err, 'to stderr\n');

    const info = await container.inspect();
    assert.equal(info.State.Status, 'exited');
    assert.equal(info.State.ExitCode, 4);
    await container.remove();
    assert.equal((await docker.listContainers({ all: true, filters: { name: [name] } })).length, 0);
    await assert.rejects(container.inspect(), (e: { statusCode?: number }) => e.statusCode === 404);
  });
});
