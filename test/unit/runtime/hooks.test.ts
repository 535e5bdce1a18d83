import * as assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHooks } from '../../../engine/src/runtime/hooks';
import type { State } from '../../../engine/src/oci/runtime-spec';

const state: State = { ociVersion: '1.2.0', id: 'c1', status: 'creating', pid: 42, bundle: '/b' };

describe('hooks', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'berth-hooks-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function script(name: string, body: string): string {
    const path = join(dir, name);
    writeFileSync(path, `#!/bin/sh\n${body}\n`);
    chmodSync(path, 0o755);
    return path;
  }

  it('runs each hook with the state on stdin, its args and env', async () => {
    const out = join(dir, 'out');
    const path = script('h', `cat > ${out}.state; echo "$0 $1 $GREETING" > ${out}.args`);
    await runHooks('createRuntime', [{ path, args: ['hookname', 'one'], env: ['GREETING=hi'] }], state);
    assert.deepEqual(JSON.parse(readFileSync(`${out}.state`, 'utf8')), state);
    assert.equal(readFileSync(`${out}.args`, 'utf8').trim(), `${path} one hi`);
  });

  it('fails with the hook, its exit status and stderr', async () => {
    const path = script('bad', 'echo nope >&2; exit 3');
    await assert.rejects(
      runHooks('prestart', [{ path }], state),
      /prestart hook .*bad failed \(exit code 3\): nope/,
    );
  });

  it('stops a hook at its timeout', async () => {
    const path = script('slow', 'exec sleep 30');
    await assert.rejects(runHooks('poststart', [{ path, timeout: 1 }], state), /did not finish within 1 s/);
  });
});
