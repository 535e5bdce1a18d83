// A StepExecutor over Debian's runc, so builder tests can run RUN steps through an independent,
// well-known runtime (and cross-check Berth's own).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StepExecutor, StepExit, StepProcess } from '../../engine/src/build/executor';
import { stepSpec } from '../../engine/src/build/step-spec';

export const runcBinary = '/usr/sbin/runc';

export function haveRunc(): boolean {
  return existsSync(runcBinary);
}

export class RuncExecutor implements StepExecutor {
  private readonly stateRoot = mkdtempSync(join(tmpdir(), 'berth-test-runc-'));

  async run(step: StepProcess): Promise<StepExit> {
    const bundle = mkdtempSync(join(tmpdir(), 'berth-test-bundle-'));
    writeFileSync(join(bundle, 'config.json'), JSON.stringify(stepSpec(step)));
    try {
      return await new Promise<StepExit>((resolve, reject) => {
        const child = spawn(runcBinary, ['--root', this.stateRoot, 'run', '--bundle', bundle, step.id], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        child.stdout.on('data', (c: Buffer) => step.output('stdout', c));
        child.stderr.on('data', (c: Buffer) => step.output('stderr', c));
        const abort = () => {
          spawn(runcBinary, ['--root', this.stateRoot, 'kill', step.id, 'KILL'], { stdio: 'ignore' });
        };
        step.signal?.addEventListener('abort', abort, { once: true });
        child.on('error', reject);
        child.on('close', (code, signal) => {
          step.signal?.removeEventListener('abort', abort);
          // runc run exits with the container's status; 128+n when a signal ended it.
          if (signal) resolve({ exitCode: 128, signal });
          else resolve({ exitCode: code ?? 1 });
        });
      });
    } finally {
      rmSync(bundle, { recursive: true, force: true });
    }
  }

  close(): void {
    rmSync(this.stateRoot, { recursive: true, force: true });
  }
}
