import * as assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { StepProcess } from '../../../engine/src/build/executor';
import { RuntimeExecutor } from '../../../engine/src/build/runtime-executor';
import type { Runtime } from '../../../engine/src/runtime';

/** A runtime whose container runs until it is killed, and that records the kills. */
class SleepingRuntime {
  readonly kills: string[] = [];
  private finish: ((status: { exitCode: number; signal?: string }) => void) | undefined;

  constructor(private readonly onStart: () => void) {}

  async run(): Promise<unknown> {
    // Starting takes a while, and something happens meanwhile.
    await new Promise((resolve) => setImmediate(resolve));
    this.onStart();
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const exited = new Promise<{ exitCode: number; signal?: string }>((resolve) => (this.finish = resolve));
    void exited.then(() => {
      stdout.end();
      stderr.end();
    });
    return { stdout, stderr, exited };
  }

  kill(_id: string, signal: string): void {
    this.kills.push(signal);
    this.finish?.({ exitCode: 137, signal: 'SIGKILL' });
  }

  async delete(): Promise<void> {}
}

function step(signal: AbortSignal): StepProcess {
  return {
    id: 'step-1',
    rootfs: '/nonexistent',
    args: ['sleep', '600'],
    env: [],
    cwd: '/',
    user: { uid: 0, gid: 0, additionalGids: [], home: '/root' },
    hostname: 'step',
    mounts: [],
    network: 'none',
    output: () => undefined,
    signal,
  } as unknown as StepProcess;
}

describe('build/runtime-executor', () => {
  it('kills a step whose build was cancelled while its container was starting', async () => {
    const cancel = new AbortController();
    const runtime = new SleepingRuntime(() => cancel.abort());
    const exit = await Promise.race([
      new RuntimeExecutor(runtime as unknown as Runtime).run(step(cancel.signal)),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('the step was never killed: it would run to its end')), 2000),
      ),
    ]);
    assert.deepEqual(runtime.kills, ['SIGKILL']);
    assert.equal(exit.signal, 'SIGKILL');
  });
});
