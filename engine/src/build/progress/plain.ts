// `--progress=plain`: one line per event, as BuildKit prints it.
//
//   #4 [2/3] RUN make
//   #4 0.512 gcc -o app main.c
//   #4 DONE 1.3s
import { checkWarningsText } from './check-warnings';
import type { BuildEvent } from './events';

export class PlainRenderer {
  private readonly started = new Map<number, number>();
  /** Output waiting for the end of its line, per step. */
  private readonly partial = new Map<number, string>();

  constructor(private readonly write: (text: string) => void) {}

  readonly event = (e: BuildEvent): void => {
    switch (e.kind) {
      case 'step-start':
        if (!e.name) return;
        this.started.set(e.step, e.time);
        this.write(`#${e.step} ${e.name}\n`);
        return;
      case 'step-cached':
        if (this.started.has(e.step)) this.write(`#${e.step} CACHED\n`);
        return;
      case 'step-output': {
        const start = this.started.get(e.step);
        if (start === undefined) return;
        const lines = ((this.partial.get(e.step) ?? '') + e.data).split('\n');
        this.partial.set(e.step, lines.pop() ?? '');
        const at = ((e.time - start) / 1000).toFixed(3);
        for (const line of lines) this.write(`#${e.step} ${at} ${line}\n`);
        return;
      }
      case 'step-status':
        if (this.started.has(e.step)) this.write(`#${e.step} ${e.text}\n`);
        return;
      case 'step-done':
      case 'step-error': {
        const start = this.started.get(e.step);
        if (start === undefined) return;
        const rest = this.partial.get(e.step);
        if (rest) this.write(`#${e.step} ${((e.time - start) / 1000).toFixed(3)} ${rest}\n`);
        this.partial.delete(e.step);
        this.write(
          e.kind === 'step-done'
            ? `#${e.step} DONE ${seconds(e.time - start)}\n\n`
            : `#${e.step} ERROR: ${e.message}\n\n`,
        );
        return;
      }
      case 'warning':
        this.write(`WARNING: ${e.message}\n`);
        return;
      case 'check-warnings':
        this.write(`\n${checkWarningsText(e.findings)}`);
        return;
      case 'image':
        return;
    }
  };
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}
