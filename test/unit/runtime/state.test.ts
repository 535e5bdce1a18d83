import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerRecord } from '../../../engine/src/runtime/state';
import {
  checkContainerId,
  lifecycle,
  NotFoundError,
  processStartTime,
  StateStore,
  statusOf,
} from '../../../engine/src/runtime/state';

function record(id: string, pid: number, started: boolean): ContainerRecord {
  return {
    id,
    bundle: '/b',
    rootfs: '/b/rootfs',
    created: new Date().toISOString(),
    owner: 'root',
    annotations: {},
    pid,
    pidStartTime: processStartTime(pid) ?? 'gone',
    started,
    cgroup: { version: 1, dirs: {} },
    config: { ociVersion: '1.2.0' },
  };
}

describe('state store', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'berth-state-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('claims an id once', () => {
    const store = new StateStore(root);
    store.reserve('c1');
    assert.throws(() => store.reserve('c1'), /container "c1" already exists/);
  });

  it('writes, reads, lists and removes records', () => {
    const store = new StateStore(root);
    store.reserve('c1');
    store.reserve('c2'); // still creating: no state.json, not listed
    store.write(record('c1', process.pid, false));
    assert.equal(store.read('c1').pid, process.pid);
    assert.deepEqual(store.list(), ['c1']);
    store.remove('c1');
    assert.throws(() => store.read('c1'), NotFoundError);
  });

  it('refuses ids that could escape the state directory', () => {
    for (const bad of ['../x', 'a/b', '', '.hidden'])
      assert.throws(() => checkContainerId(bad), /invalid container id/);
    assert.doesNotThrow(() =>
      checkContainerId('4f09b27c469d4628a19b06a40d719f5458ed29746cde6d1f4df70639c9f31c9a'),
    );
  });
});

describe('container status', () => {
  it('reads the status from the process, not from what was stored', () => {
    assert.equal(
      statusOf(record('c', process.pid, false), () => false),
      'created',
    );
    assert.equal(
      statusOf(record('c', process.pid, true), () => false),
      'running',
    );
    assert.equal(
      statusOf(record('c', process.pid, true), () => true),
      'paused',
    );
    const reused = { ...record('c', process.pid, true), pidStartTime: '1' };
    assert.equal(
      statusOf(reused, () => false),
      'stopped',
      'a recycled pid is not our container',
    );
  });

  it('allows each operation only in the right state', () => {
    assert.ok(lifecycle.canStart('created') && !lifecycle.canStart('running'));
    assert.ok(
      lifecycle.canDelete('stopped') && lifecycle.canDelete('created') && !lifecycle.canDelete('running'),
    );
    assert.ok(lifecycle.canKill('running') && !lifecycle.canKill('stopped'));
    assert.ok(lifecycle.canExec('running') && !lifecycle.canExec('created'));
  });
});
