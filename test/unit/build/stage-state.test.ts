import * as assert from 'node:assert/strict';
import { fillHistoryTimes, StageState } from '../../../engine/src/build/stage-state';
import type { HistoryEntry } from '../../../engine/src/oci/image-spec';

function state(env: string[] = []): StageState {
  return StageState.fromImage(
    { platform: { architecture: 'amd64', os: 'linux' }, config: { Env: env }, history: [], layers: [] },
    'k',
    '\\',
  );
}

describe('StageState', () => {
  it('always defines PATH and sees the image variables', () => {
    const s = state(['A=1']);
    assert.deepEqual(s.image.config.Env, [
      'A=1',
      'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    ]);
    assert.equal(s.expand('$A-${B:-d}'), '1-d');
  });

  it('replaces an ENV in place in the config', () => {
    const s = state(['PATH=/bin', 'A=1', 'B=2']);
    s.setEnv('A', '3');
    assert.deepEqual(s.image.config.Env, ['PATH=/bin', 'A=3', 'B=2']);
  });

  it('reports expansion errors in BuildKit words', () => {
    assert.throws(() => state().expand('${X:?must be set}'), /X: must be set/);
  });

  it('keys the file system by what each step did', () => {
    const a = state();
    const b = state();
    assert.equal(a.advance({ op: 'run', args: ['x'] }), b.advance({ op: 'run', args: ['x'] }));
    assert.notEqual(a.advance({ op: 'run', args: ['y'] }), b.advance({ op: 'run', args: ['z'] }));
  });

  it('gives empty history entries the time of the next layer, or of the last one made', () => {
    const h: HistoryEntry[] = [
      { created: 'base', created_by: 'base layer' },
      { created_by: 'ARG A', empty_layer: true },
      { created: 't1', created_by: 'RUN x' },
      { created_by: 'USER u', empty_layer: true },
    ];
    assert.equal(fillHistoryTimes(h, 'now'), 't1');
    assert.deepEqual(
      h.map((e) => e.created),
      ['base', 't1', 't1', 't1'],
    );
    const onlyMetadata: HistoryEntry[] = [
      { created: 'base', created_by: 'base layer' },
      { created_by: 'ENV A=1', empty_layer: true },
    ];
    assert.equal(fillHistoryTimes(onlyMetadata, 'now'), 'now');
  });
});
