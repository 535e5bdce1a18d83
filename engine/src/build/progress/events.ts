// What a build reports while it runs: steps (BuildKit calls them vertices) starting, hitting the
// cache, printing, finishing or failing, plus warnings and the final image. Renderers turn the
// events into the tty view, plain lines, or the classic /build JSON stream.

import type { CheckFinding } from '../../dockerfile/lint/buildChecks';

export type BuildEvent =
  | {
      kind: 'step-start';
      step: number;
      /**
       * BuildKit's name: `[build 2/5] RUN make`, `[internal] load build context`. Absent for an
       * instruction BuildKit shows no step for (ENV, LABEL…): only the classic stream has a line.
       */
      name?: string;
      /** The classic builder's line for a Dockerfile instruction: `Step 3/9 : RUN make`. */
      classic?: string;
      time: number;
    }
  | { kind: 'step-cached'; step: number; time: number }
  | { kind: 'step-output'; step: number; stream: 'stdout' | 'stderr'; data: string; time: number }
  /** A sub-status of a step (`writing image sha256:…`), shown under it. */
  | { kind: 'step-status'; step: number; text: string; time: number }
  | {
      kind: 'step-done';
      step: number;
      time: number;
      /** classic: the step's result (` ---> 1a2b3c4d5e6f`). */ result?: string;
    }
  | { kind: 'step-error'; step: number; message: string; time: number }
  | { kind: 'warning'; message: string; time: number }
  /** What BuildKit's checks found, reported once the build has succeeded. */
  | { kind: 'check-warnings'; findings: readonly CheckFinding[]; time: number }
  | { kind: 'image'; id: string; tags: string[]; time: number };

export type ProgressSink = (event: BuildEvent) => void;

/** Hands out step numbers and stamps events with the time. */
export class Progress {
  private next = 1;
  /** Classic-only steps count down from -1, so BuildKit's step numbers stay 1, 2, 3… */
  private nextHidden = -1;

  constructor(private readonly sink: ProgressSink) {}

  step(name: string, classic?: string): StepProgress {
    const step = this.next++;
    this.sink({ kind: 'step-start', step, name, ...(classic && { classic }), time: Date.now() });
    return new StepProgress(step, this.sink);
  }

  /** An instruction that only the classic stream shows (`Step 2/9 : ENV A=b`). */
  hidden(classic: string): StepProgress {
    const step = this.nextHidden--;
    this.sink({ kind: 'step-start', step, classic, time: Date.now() });
    return new StepProgress(step, this.sink);
  }

  warning(message: string): void {
    this.sink({ kind: 'warning', message, time: Date.now() });
  }

  checkWarnings(findings: readonly CheckFinding[]): void {
    if (findings.length > 0) this.sink({ kind: 'check-warnings', findings, time: Date.now() });
  }

  image(id: string, tags: string[]): void {
    this.sink({ kind: 'image', id, tags, time: Date.now() });
  }
}

export class StepProgress {
  private ended = false;

  constructor(
    readonly step: number,
    private readonly sink: ProgressSink,
  ) {}

  cached(): void {
    this.sink({ kind: 'step-cached', step: this.step, time: Date.now() });
  }

  output(stream: 'stdout' | 'stderr', data: string): void {
    this.sink({ kind: 'step-output', step: this.step, stream, data, time: Date.now() });
  }

  status(text: string): void {
    this.sink({ kind: 'step-status', step: this.step, text, time: Date.now() });
  }

  done(result?: string): void {
    if (this.ended) return;
    this.ended = true;
    this.sink({ kind: 'step-done', step: this.step, time: Date.now(), ...(result && { result }) });
  }

  fail(message: string): void {
    if (this.ended) return;
    this.ended = true;
    this.sink({ kind: 'step-error', step: this.step, message, time: Date.now() });
  }
}
