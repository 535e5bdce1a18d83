// The live view on a terminal, like BuildKit's: a header with the elapsed time and the count of
// finished steps, one line per step with its time (CACHED, running, done, ERROR), the last lines
// of output under running steps, sub-statuses under a step. Redrawn in place a few times a second
// and on every event; the final frame stays on the screen.
import type { CheckFinding } from '../../dockerfile/lint/buildChecks';
import { checkWarningsText } from './check-warnings';
import type { BuildEvent } from './events';

interface StepView {
  name: string;
  start: number;
  end?: number;
  cached: boolean;
  error?: string;
  statuses: string[];
  logs: string[];
  partial: string;
}

const logLinesShown = 6;

export class TtyRenderer {
  private readonly steps = new Map<number, StepView>();
  private readonly warnings: string[] = [];
  private checkFindings: readonly CheckFinding[] = [];
  private readonly begin = Date.now();
  private drawn = 0;
  private timer: NodeJS.Timeout | undefined;
  private finished = false;

  constructor(
    private readonly write: (text: string) => void,
    private readonly columns: () => number,
  ) {
    this.timer = setInterval(() => this.draw(), 150);
    this.timer.unref();
  }

  readonly event = (e: BuildEvent): void => {
    switch (e.kind) {
      case 'step-start':
        if (e.name)
          this.steps.set(e.step, {
            name: e.name,
            start: e.time,
            cached: false,
            statuses: [],
            logs: [],
            partial: '',
          });
        break;
      case 'step-cached': {
        const s = this.steps.get(e.step);
        if (s) s.cached = true;
        break;
      }
      case 'step-output': {
        const s = this.steps.get(e.step);
        if (!s) break;
        const lines = (s.partial + e.data).split('\n');
        s.partial = lines.pop() ?? '';
        s.logs.push(...lines);
        if (s.logs.length > logLinesShown) s.logs.splice(0, s.logs.length - logLinesShown);
        break;
      }
      case 'step-status': {
        const s = this.steps.get(e.step);
        if (s) s.statuses.push(e.text);
        break;
      }
      case 'step-done':
      case 'step-error': {
        const s = this.steps.get(e.step);
        if (!s) break;
        s.end = e.time;
        if (e.kind === 'step-error') s.error = e.message;
        break;
      }
      case 'warning':
        this.warnings.push(e.message);
        break;
      case 'check-warnings':
        this.checkFindings = e.findings;
        break;
      case 'image':
        break;
    }
    this.draw();
  };

  /** Draws the final frame and stops redrawing. */
  finish(failed: boolean): void {
    if (this.finished) return;
    this.finished = true;
    if (this.timer) clearInterval(this.timer);
    this.draw(failed ? 'ERROR' : 'FINISHED');
    for (const w of this.warnings) this.write(`WARNING: ${w}\n`);
    if (this.checkFindings.length > 0) this.write(`\n${checkWarningsText(this.checkFindings)}`);
  }

  private draw(state?: string): void {
    if (this.finished && state === undefined) return;
    const now = Date.now();
    const width = Math.max(40, this.columns());
    const steps = [...this.steps.values()];
    const done = steps.filter((s) => s.end !== undefined || s.cached).length;
    const lines = [
      `[+] Building ${seconds(now - this.begin)} (${done}/${steps.length})${state ? ` ${state}` : ''}`,
    ];
    for (const s of steps) {
      const time = s.cached ? '0.0s' : seconds((s.end ?? now) - s.start);
      const label = `${s.error ? 'ERROR ' : s.cached ? 'CACHED ' : ''}${s.name}`;
      lines.push(row(` => ${label}`, time, width));
      for (const status of s.statuses) lines.push(row(` => => ${status}`, '', width));
      // Output shows while a step runs, and stays for a failed one.
      if (s.end === undefined || s.error) {
        for (const log of [...s.logs, ...(s.partial ? [s.partial] : [])].slice(-logLinesShown)) {
          lines.push(row(` => => # ${log}`, '', width));
        }
      }
    }
    let out = this.drawn > 0 ? `\x1b[${this.drawn}A` : '';
    for (const line of lines) out += `\x1b[2K${line}\n`;
    this.drawn = lines.length;
    this.write(out);
  }
}

/** A line with the time right-aligned, cut to the terminal width. */
function row(left: string, right: string, width: number): string {
  const room = width - right.length - 1;
  const text = left.length > room ? `${left.slice(0, Math.max(0, room - 1))}…` : left;
  return right ? `${text.padEnd(room)} ${right}` : text;
}

function seconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
}
