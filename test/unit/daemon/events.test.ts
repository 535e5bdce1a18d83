import * as assert from 'node:assert/strict';
import type { EventMessage } from '../../../engine/src/api/types';
import { EventBus, eventMatcher } from '../../../engine/src/daemon/events';

describe('events bus', () => {
  it('replays history from since, then streams live events matching the filters', async () => {
    const bus = new EventBus();
    const start = Date.now() / 1000 - 1;
    bus.publish('container', 'create', 'c1', { name: 'web', image: 'busybox' });
    bus.publish('image', 'pull', 'busybox:latest', { name: 'busybox:latest' });
    const ac = new AbortController();
    const it = bus.subscribe({ since: start, filters: { type: ['container'] } }, ac.signal);
    assert.equal((await it.next()).value.Action, 'create');
    const next = it.next();
    bus.publish('volume', 'create', 'v1');
    bus.publish('container', 'start', 'c1', { name: 'web' });
    const started = (await next).value as EventMessage;
    assert.equal(started.Action, 'start');
    assert.equal(started.status, 'start');
    assert.ok(started.timeNano > 0 && Math.abs(started.time - Date.now() / 1000) < 5);
    const done = it.next();
    ac.abort();
    assert.equal((await done).done, true);
    assert.equal(bus.listenerCount, 0);
  });

  it('ends at until', async () => {
    const bus = new EventBus();
    bus.publish('container', 'create', 'c1');
    const got: string[] = [];
    for await (const e of bus.subscribe(
      { since: 0, until: Date.now() / 1000 + 0.05, filters: {} },
      new AbortController().signal,
    )) {
      got.push(e.Action);
    }
    assert.deepEqual(got, ['create']);
  });

  it('filters like Docker: values of one key OR, keys AND', () => {
    const e = (
      Type: EventMessage['Type'],
      Action: string,
      ID: string,
      Attributes: Record<string, string> = {},
    ) => ({ Type, Action, Actor: { ID, Attributes }, scope: 'local', time: 0, timeNano: 0 }) as EventMessage;
    const m = eventMatcher({ type: ['container'], event: ['start', 'die'], label: ['app=web'] });
    assert.ok(m(e('container', 'start', 'c', { app: 'web' })));
    assert.ok(!m(e('container', 'create', 'c', { app: 'web' })));
    assert.ok(!m(e('container', 'die', 'c', { app: 'db' })));
    assert.ok(eventMatcher({ event: ['exec_start'] })(e('container', 'exec_start: sh', 'c')));
    assert.ok(eventMatcher({ container: ['web'] })(e('container', 'start', 'abc', { name: 'web' })));
    assert.ok(eventMatcher({ image: ['busybox'] })(e('container', 'start', 'abc', { image: 'busybox' })));
  });
});
