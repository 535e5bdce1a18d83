import * as assert from 'node:assert/strict';
import * as S from '../../../../engine/src/daemon/containers/state';

describe('container state machine', () => {
  it('maps impossible or pointless transitions to 409 and 304', () => {
    assert.equal(S.canStart('created', 'web'), undefined);
    assert.equal(S.canStart('running', 'web')?.kind, 'not-modified');
    assert.equal(S.canStart('paused', 'web')?.kind, 'conflict');
    assert.equal(S.canStop('exited', 'web')?.kind, 'not-modified');
    assert.equal(S.canStop('paused', 'web'), undefined);
    assert.equal(S.canKill('exited', 'web')?.kind, 'conflict');
    assert.match(
      S.canRemove('running', 'web', false)!.message,
      /stop the container before removing or force remove/,
    );
    assert.equal(S.canRemove('running', 'web', true), undefined);
    assert.equal(S.canRemove('removing', 'web', true)?.kind, 'conflict');
    assert.equal(S.canExec('paused', 'web')?.kind, 'conflict');
    assert.equal(S.canPause('paused', 'web')?.kind, 'conflict');
    assert.equal(S.canUnpause('running', 'web')?.kind, 'conflict');
  });

  it("writes Docker's status text", () => {
    const now = Date.parse('2024-01-01T01:00:00Z');
    const base = { StartedAt: '2024-01-01T00:55:00Z', FinishedAt: '2024-01-01T00:00:00Z', ExitCode: 3 };
    assert.equal(S.humanStatus({ ...base, Status: 'running' }, now), 'Up 5 minutes');
    assert.equal(S.humanStatus({ ...base, Status: 'exited' }, now), 'Exited (3) About an hour ago');
    assert.equal(S.humanStatus({ ...base, Status: 'paused' }, now), 'Up 5 minutes (Paused)');
    assert.equal(
      S.humanStatus({ ...base, Status: 'running', Health: { Status: 'starting' } }, now),
      'Up 5 minutes (health: starting)',
    );
    assert.equal(S.humanStatus({ ...base, Status: 'created' }, now), 'Created');
  });
});
