// Restart policies with Docker's back-off: the delay starts at 100 ms and doubles after each
// restart, up to one minute; a run that lasted 10 s or more resets it.
import type { HostConfig, RestartPolicy } from '../../api/types';
import { invalid } from '../errors';

const initialDelayMs = 100;
const maxDelayMs = 60_000;
const resetAfterMs = 10_000;

export function checkRestartPolicy(host: HostConfig): void {
  const policy = host.RestartPolicy ?? {};
  const name = policy.Name ?? '';
  if (!['', 'no', 'always', 'unless-stopped', 'on-failure'].includes(name)) {
    throw invalid(
      `invalid restart policy '${name}': use no, always, unless-stopped or on-failure[:max-retries]`,
    );
  }
  const retries = policy.MaximumRetryCount ?? 0;
  if (retries < 0) throw invalid(`invalid restart policy: maximum retry count can't be negative`);
  if (retries > 0 && name !== 'on-failure') {
    throw invalid(`invalid restart policy: maximum retry count can only be used with 'on-failure'`);
  }
  if (host.AutoRemove && name !== '' && name !== 'no') {
    throw invalid(`can't create 'AutoRemove' container with restart policy: remove --rm or --restart`);
  }
}

export interface RestartState {
  /** Delay before the next restart. */
  delayMs: number;
}

/** Whether an exited container restarts, and after how long; updates the back-off. */
export function shouldRestart(
  policy: RestartPolicy | undefined,
  exitCode: number,
  restartCount: number,
  manuallyStopped: boolean,
  ranForMs: number,
  state: RestartState,
): number | undefined {
  const name = policy?.Name ?? '';
  if (manuallyStopped || name === '' || name === 'no') return undefined;
  if (name === 'on-failure') {
    if (exitCode === 0) return undefined;
    const max = policy?.MaximumRetryCount ?? 0;
    if (max > 0 && restartCount >= max) return undefined;
  }
  if (ranForMs >= resetAfterMs) state.delayMs = initialDelayMs;
  const delay = state.delayMs;
  state.delayMs = Math.min(maxDelayMs, state.delayMs * 2);
  return delay;
}

export function newRestartState(): RestartState {
  return { delayMs: initialDelayMs };
}
