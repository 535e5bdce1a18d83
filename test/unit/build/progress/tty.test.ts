import * as assert from 'node:assert/strict';
import { TtyRenderer } from '../../../../engine/src/build/progress/tty';

describe('tty progress', () => {
  it('redraws the steps in place with their state and time, and the output of a running one', () => {
    const frames: string[] = [];
    const tty = new TtyRenderer(
      (t) => frames.push(t),
      () => 60,
    );
    const now = Date.now();
    tty.event({
      kind: 'step-start',
      step: 1,
      name: '[1/2] FROM docker.io/library/busybox:latest',
      time: now,
    });
    tty.event({ kind: 'step-done', step: 1, time: now });
    tty.event({ kind: 'step-start', step: 2, name: '[2/2] RUN make', time: now });
    tty.event({ kind: 'step-cached', step: 2, time: now });
    tty.event({ kind: 'step-start', step: 3, name: '[2/2] RUN test', time: now });
    tty.event({ kind: 'step-output', step: 3, stream: 'stdout', data: 'ok 1\nok 2\n', time: now });
    const running = frames.at(-1)!;
    assert.ok(
      /^\[\d+A/.test(running.slice(1)) && running.charCodeAt(0) === 27,
      'moves back up over the previous frame',
    );
    assert.match(running, / => \[1\/2\] FROM docker\.io\/library\/busybox:latest +0\.0s\n/);
    assert.match(running, / => CACHED \[2\/2\] RUN make +0\.0s\n/);
    assert.match(running, / => => # ok 2\n/);
    tty.event({ kind: 'step-error', step: 3, message: 'exit code: 1', time: now + 1500 });
    tty.finish(true);
    const last = frames.at(-1)!;
    assert.match(last, /\[\+\] Building \d+\.\ds \(3\/3\) ERROR\n/);
    assert.match(last, / => ERROR \[2\/2\] RUN test +1\.5s\n/);
  });
});
