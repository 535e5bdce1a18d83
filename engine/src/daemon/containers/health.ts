// Health checks with Docker's semantics: the probe runs every Interval (StartInterval during the
// start period), a probe slower than Timeout fails, Retries failures in a row make the container
// unhealthy, failures during the start period do not count; the last 5 results (output capped at
// 4 KiB) are kept, and each status change is a `health_status` event.
import type { Health, HealthConfig } from '../../api/types';
import type { ContainerRecord } from './record';

const second = 1_000_000_000;
export const healthDefaults = {
  interval: 30 * second,
  timeout: 30 * second,
  retries: 3,
  startPeriod: 0,
  startInterval: 5 * second,
};
const maxLogEntries = 5;
const maxOutput = 4096;

/** The probe's command line, or undefined when there is no check (or it is NONE). */
export function probeCommand(check: HealthConfig | undefined | null): string[] | undefined {
  const test = check?.Test;
  if (!test?.length || test[0] === 'NONE') return undefined;
  if (test[0] === 'CMD') return test.slice(1);
  if (test[0] === 'CMD-SHELL') return ['/bin/sh', '-c', test.slice(1).join(' ')];
  return undefined;
}

export interface HealthProbe {
  run(containerId: string, cmd: string[], timeoutMs: number): Promise<{ exitCode: number; output: string }>;
  save(rec: ContainerRecord): void;
  event(rec: ContainerRecord, status: Health['Status']): void;
}

export class HealthMonitor {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly started = Date.now();

  constructor(
    private readonly rec: ContainerRecord,
    private readonly cmd: string[],
    private readonly probe: HealthProbe,
  ) {
    rec.State.Health = { Status: 'starting', FailingStreak: 0, Log: [] };
    probe.save(rec);
    this.schedule();
  }

  private config() {
    const c = this.rec.Config.Healthcheck ?? {};
    return {
      interval: c.Interval || healthDefaults.interval,
      timeout: c.Timeout || healthDefaults.timeout,
      retries: c.Retries || healthDefaults.retries,
      startPeriod: c.StartPeriod || healthDefaults.startPeriod,
      startInterval: c.StartInterval || healthDefaults.startInterval,
    };
  }

  private inStartPeriod(): boolean {
    return (Date.now() - this.started) * 1e6 < this.config().startPeriod;
  }

  private schedule(): void {
    if (this.stopped) return;
    const c = this.config();
    const starting = this.inStartPeriod() && this.rec.State.Health?.Status === 'starting';
    const delayNs = starting && c.startPeriod > 0 ? c.startInterval : c.interval;
    this.timer = setTimeout(() => void this.tick(), delayNs / 1e6);
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const c = this.config();
    const start = new Date();
    let result: { exitCode: number; output: string };
    try {
      result = await this.probe.run(this.rec.Id, this.cmd, c.timeout / 1e6);
    } catch (err) {
      result = { exitCode: -1, output: (err as Error).message };
    }
    if (this.stopped) return;
    const health = this.rec.State.Health!;
    health.Log.push({
      Start: start.toISOString(),
      End: new Date().toISOString(),
      ExitCode: result.exitCode,
      Output: result.output.slice(0, maxOutput),
    });
    if (health.Log.length > maxLogEntries) health.Log.splice(0, health.Log.length - maxLogEntries);
    const before = health.Status;
    if (result.exitCode === 0) {
      health.FailingStreak = 0;
      health.Status = 'healthy';
    } else if (!this.inStartPeriod() || before !== 'starting') {
      health.FailingStreak++;
      if (health.FailingStreak >= c.retries) health.Status = 'unhealthy';
    }
    this.probe.save(this.rec);
    if (health.Status !== before) this.probe.event(this.rec, health.Status);
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
