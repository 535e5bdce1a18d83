// The container state machine. Every operation checks its precondition here first; the answers
// map onto the API's 304 (nothing to do) and 409 (not in a state that allows it).
import type { ContainerStatus } from '../../api/types';
import { conflict, notModified, type EngineError } from '../errors';

/** undefined = allowed; otherwise the error to answer with. */
export type Verdict = EngineError | undefined;

export function canStart(status: ContainerStatus, name: string): Verdict {
  switch (status) {
    case 'created':
    case 'exited':
      return undefined;
    case 'running':
    case 'restarting':
      return notModified(`container ${name} is already started`);
    case 'paused':
      return conflict(`cannot start container ${name}: it is paused; unpause it instead`);
    case 'removing':
      return conflict(`cannot start container ${name}: it is being removed`);
    case 'dead':
      return conflict(
        `cannot start container ${name}: it is dead (its state could not be recovered); remove it`,
      );
  }
}

export function canStop(status: ContainerStatus, name: string): Verdict {
  if (status === 'running' || status === 'paused' || status === 'restarting') return undefined;
  return notModified(`container ${name} is not running`);
}

export function canKill(status: ContainerStatus, name: string): Verdict {
  if (status === 'running' || status === 'paused' || status === 'restarting') return undefined;
  return conflict(`cannot kill container ${name}: container is not running`);
}

export function canPause(status: ContainerStatus, name: string): Verdict {
  if (status === 'running') return undefined;
  if (status === 'paused') return conflict(`container ${name} is already paused`);
  return conflict(`cannot pause container ${name}: container is not running`);
}

export function canUnpause(status: ContainerStatus, name: string): Verdict {
  if (status === 'paused') return undefined;
  return conflict(`container ${name} is not paused`);
}

export function canRemove(status: ContainerStatus, name: string, force: boolean): Verdict {
  switch (status) {
    case 'removing':
      return conflict(`removal of container ${name} is already in progress`);
    case 'running':
    case 'paused':
    case 'restarting':
      return force
        ? undefined
        : conflict(
            `cannot remove container ${name}: container is ${status}: stop the container before removing or force remove`,
          );
    default:
      return undefined;
  }
}

export function canExec(status: ContainerStatus, name: string): Verdict {
  if (status === 'running') return undefined;
  if (status === 'paused') return conflict(`container ${name} is paused, unpause the container before exec`);
  if (status === 'restarting')
    return conflict(`container ${name} is restarting, wait until the container is running`);
  return conflict(`container ${name} is not running`);
}

export function canAttach(status: ContainerStatus, name: string): Verdict {
  if (status === 'removing' || status === 'dead')
    return conflict(`cannot attach to container ${name}: it is ${status}`);
  return undefined;
}

export function canRestart(status: ContainerStatus, name: string): Verdict {
  if (status === 'removing' || status === 'dead')
    return conflict(`cannot restart container ${name}: it is ${status}`);
  return undefined;
}

/** Whether the container's process is alive (its cgroup has it). */
export function isActive(status: ContainerStatus): boolean {
  return status === 'running' || status === 'paused' || status === 'restarting';
}

/** Docker's `Status` column text: "Up 5 minutes", "Exited (0) 2 hours ago", "Created". */
export function humanStatus(
  state: {
    Status: ContainerStatus;
    StartedAt: string;
    FinishedAt: string;
    ExitCode: number;
    Health?: { Status: string };
  },
  now = Date.now(),
): string {
  switch (state.Status) {
    case 'running':
    case 'paused': {
      const health =
        state.Health && state.Health.Status !== 'none' ? ` (${healthWord(state.Health.Status)})` : '';
      return `Up ${humanDuration(now - Date.parse(state.StartedAt))}${state.Status === 'paused' ? ' (Paused)' : health}`;
    }
    case 'restarting':
      return `Restarting (${state.ExitCode}) ${humanDuration(now - Date.parse(state.FinishedAt))} ago`;
    case 'exited':
      return `Exited (${state.ExitCode}) ${humanDuration(now - Date.parse(state.FinishedAt))} ago`;
    case 'created':
      return 'Created';
    case 'removing':
      return 'Removal In Progress';
    case 'dead':
      return 'Dead';
  }
}

function healthWord(status: string): string {
  return status === 'starting' ? 'health: starting' : status;
}

/** Docker's units.HumanDuration. */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 1) return 'Less than a second';
  if (s === 1) return '1 second';
  if (s < 60) return `${s} seconds`;
  const m = Math.floor(s / 60);
  if (m === 1) return 'About a minute';
  if (m < 60) return `${m} minutes`;
  const h = Math.round(s / 3600);
  if (h === 1) return 'About an hour';
  if (h < 48) return `${h} hours`;
  if (h < 24 * 7 * 2) return `${Math.floor(h / 24)} days`;
  if (h < 24 * 30 * 2) return `${Math.floor(h / 24 / 7)} weeks`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24 / 30)} months`;
  return `${Math.floor(h / 24 / 365)} years`;
}
