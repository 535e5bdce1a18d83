// RUN steps (and `berth run` until the daemon serves containers) through berth-runtime, in this
// process: the step's spec with Docker's default seccomp profile, stdout and stderr piped back,
// the container deleted when it exits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { dockerDefaultSeccomp, Runtime } from '../runtime';
import type { StepExecutor, StepExit, StepProcess } from './executor';
import { dockerDefaultCapabilities } from '../oci/docker-defaults';
import { stepSpec } from './step-spec';

export class RuntimeExecutor implements StepExecutor {
  constructor(private readonly runtime: Runtime = new Runtime()) {}

  async run(step: StepProcess): Promise<StepExit> {
    const spec = stepSpec(step);
    spec.linux!.seccomp = dockerDefaultSeccomp({ capabilities: dockerDefaultCapabilities });
    const bundle = mkdtempSync(join(tmpdir(), 'berth-step-'));
    try {
      const handle = await this.runtime.run(step.id, { bundle, spec, stdio: ['ignore', 'pipe', 'pipe'] });
      const drained = Promise.all([
        drain(handle.stdout, 'stdout', step),
        drain(handle.stderr, 'stderr', step),
      ]);
      const abort = () => {
        try {
          this.runtime.kill(step.id, 'SIGKILL', { all: true });
        } catch {
          // Exited meanwhile.
        }
      };
      step.signal?.addEventListener('abort', abort, { once: true });
      // An abort while the container was starting (a parallel stage failed meanwhile) has fired
      // before there was a listener: act on it now, or the step would run to its end.
      if (step.signal?.aborted) abort();
      try {
        const status = await handle.exited!;
        await drained;
        return { exitCode: status.exitCode, ...(status.signal && { signal: status.signal }) };
      } finally {
        step.signal?.removeEventListener('abort', abort);
        await this.runtime.delete(step.id, { force: true });
      }
    } finally {
      rmSync(bundle, { recursive: true, force: true });
    }
  }
}

function drain(stream: Readable | undefined, name: 'stdout' | 'stderr', step: StepProcess): Promise<void> {
  if (!stream) return Promise.resolve();
  return new Promise((resolve) => {
    stream.on('data', (chunk: Buffer) => step.output(name, chunk));
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', () => resolve());
  });
}
