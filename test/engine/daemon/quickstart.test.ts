// The README's main job, engine part: bin/berth-quickstart makes busybox:latest from this
// machine's busybox, builds examples/hello through berthd and prints the page it serves.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { daemonTestsBlocked, startBerthd, type TestDaemon } from '../../helpers/berthd';
import { skipIfBlocked } from '../../helpers/skip';

const quickstart = join(__dirname, '../../../../bin/berth-quickstart');

describe('berth-quickstart: berthd builds and runs examples/hello', function () {
  let d: TestDaemon;

  before(async function () {
    skipIfBlocked(this, daemonTestsBlocked());
    // No busybox in it: the quickstart makes its own base image.
    d = await startBerthd();
  });
  after(async () => {
    await d?.destroy();
  });

  it('--engine-only prints the page examples/hello serves, and leaves no container behind', async () => {
    const r = await new Promise<{ status: number; out: string }>((resolve) => {
      const p = spawn(quickstart, ['--engine-only'], { env: d.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      p.stdout.on('data', (c: Buffer) => (out += c.toString()));
      p.stderr.on('data', (c: Buffer) => (out += c.toString()));
      const timer = setTimeout(() => p.kill('SIGKILL'), 180_000);
      p.on('close', (code) => {
        clearTimeout(timer);
        resolve({ status: code ?? -1, out });
      });
    });
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /already running: engine/, 'it used the engine DOCKER_HOST names');
    assert.match(r.out, /<h1>Hello from Berth<\/h1>/);
    assert.equal((await d.docker(['ps', '-aq'])).stdout.trim(), '');
    const images = (await d.docker(['images', '--format', '{{.Repository}}:{{.Tag}}'])).stdout;
    assert.match(images, /^busybox:latest$/m);
    assert.match(images, /^berth-hello:latest$/m);
  });
});
