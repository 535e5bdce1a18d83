// The build cache as a user sees it: a second build hits the cache for every step and gives the
// same image; changing one copied file rebuilds only the steps after it; touching a file (mtime
// only) changes nothing, a mode change does; --no-cache runs everything; the cache outlives the
// process (a fresh Store over the same state dir still hits).
import * as assert from 'node:assert/strict';
import { chmodSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildImage } from '../../../engine/src/build';
import { Store } from '../../../engine/src/store/store';
import { BuildEnv, buildTestsSkipReason, stepOutcomes } from '../../helpers/build-env';
import { skipIfBlocked } from '../../helpers/skip';

const skip = buildTestsSkipReason();

describe('builder: cache', function () {
  this.timeout(180_000);
  let env: BuildEnv;
  let ctx: string;

  before(async function () {
    skipIfBlocked(this, skip, 'builder engine tests');
    env = await BuildEnv.create();
    ctx = env.context('cache');
  });

  after(() => env?.close());

  it('runs every step the first time and none the second, giving the same image', async () => {
    const first = await env.build({ contextDir: ctx, tags: ['cache-test:1'] });
    assert.deepEqual(stepOutcomes(first.events).cached, []);
    assert.equal(stepOutcomes(first.events).ran.length, 4);
    const second = await env.build({ contextDir: ctx, tags: ['cache-test:2'] });
    assert.deepEqual(stepOutcomes(second.events).ran, []);
    assert.equal(stepOutcomes(second.events).cached.length, 4);
    assert.equal(second.result.id, first.result.id);
  });

  it('rebuilds only the steps after a changed file', async () => {
    writeFileSync(join(ctx, 'two.txt'), 'two, changed\n');
    const { events, result } = await env.build({ contextDir: ctx, tags: ['cache-test:3'] });
    assert.deepEqual(stepOutcomes(events).cached, [
      '[2/5] COPY one.txt /one.txt',
      '[3/5] RUN cat /one.txt > /copy1',
    ]);
    assert.deepEqual(stepOutcomes(events).ran, [
      '[4/5] COPY two.txt /two.txt',
      '[5/5] RUN cat /two.txt > /copy2',
    ]);
    assert.equal(await env.probe(result.id, ['cat', '/copy2']), 'two, changed\n');
  });

  it('ignores a new mtime but not a new mode', async () => {
    utimesSync(join(ctx, 'one.txt'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    const touched = await env.build({ contextDir: ctx });
    assert.deepEqual(stepOutcomes(touched.events).ran, []);
    chmodSync(join(ctx, 'one.txt'), 0o600);
    const chmodded = await env.build({ contextDir: ctx });
    assert.equal(stepOutcomes(chmodded.events).ran.length, 4);
  });

  it('runs everything with --no-cache', async () => {
    const { events } = await env.build({ contextDir: ctx, noCache: true });
    assert.deepEqual(stepOutcomes(events).cached, []);
    assert.equal(stepOutcomes(events).ran.length, 4);
  });

  it('reuses a COPY --link layer when what is below it changed', async () => {
    const dir = env.context('cache');
    writeFileSync(
      join(dir, 'Dockerfile'),
      'FROM busybox\nARG X=1\nRUN echo $X > /x\nCOPY --link one.txt /linked/one.txt\nRUN cat /x /linked/one.txt > /both\n',
    );
    await env.build({ contextDir: dir, buildArgs: { X: '1' } });
    const { events, result } = await env.build({ contextDir: dir, buildArgs: { X: '2' } });
    assert.deepEqual(stepOutcomes(events).cached, ['[3/4] COPY --link one.txt /linked/one.txt']);
    assert.equal(await env.probe(result.id, ['cat', '/both']), '2\none\n');
  });

  it('keeps the cache when the process that made it is gone (a new Store on the same state dir)', async () => {
    const store = Store.open(env.root);
    const events: Parameters<NonNullable<Parameters<typeof buildImage>[1]['onEvent']>>[0][] = [];
    await buildImage({ contextDir: ctx }, { store, executor: env.executor, onEvent: (e) => events.push(e) });
    assert.deepEqual(stepOutcomes(events).ran, []);
  });
});
