// Pull/push progress on the terminal: on a TTY one line per layer, redrawn in place with a bar
// (as docker does); otherwise plain lines, one per change of state (no byte counts), so logs stay short.
import type { ProgressMessage } from '../../registry/progress';
import { humanSize } from './units';

export interface ProgressOutput {
  write(text: string): void;
}

export class ProgressRenderer {
  private readonly lines: string[] = [];
  private readonly index = new Map<string, number>();
  private readonly lastStatus = new Map<string, string>();
  private drawn = 0;

  constructor(
    private readonly out: ProgressOutput,
    private readonly tty: boolean,
    private readonly width = 80,
  ) {}

  message(m: ProgressMessage): void {
    if (!this.tty) return this.plain(m);
    if (m.id === undefined) {
      this.lines.push(m.status);
      this.redraw();
      return;
    }
    const text = `${m.id}: ${m.status}${m.progressDetail?.total ? ' ' + bar(m.progressDetail.current ?? 0, m.progressDetail.total, this.width) : m.progressDetail?.current ? ` ${humanSize(m.progressDetail.current)}` : ''}`;
    const at = this.index.get(m.id);
    if (at === undefined) {
      this.index.set(m.id, this.lines.length);
      this.lines.push(text);
    } else {
      this.lines[at] = text;
    }
    this.redraw();
  }

  private plain(m: ProgressMessage): void {
    if (m.id === undefined) {
      this.out.write(`${m.status}\n`);
      return;
    }
    if (this.lastStatus.get(m.id) === m.status) return;
    this.lastStatus.set(m.id, m.status);
    this.out.write(`${m.id}: ${m.status}\n`);
  }

  private redraw(): void {
    let text = this.drawn > 0 ? `\x1b[${this.drawn}A` : '';
    for (const line of this.lines) text += `\x1b[2K\r${line.slice(0, this.width * 2)}\n`;
    this.drawn = this.lines.length;
    this.out.write(text);
  }
}

function bar(current: number, total: number, width: number): string {
  const cells = Math.max(10, Math.min(50, width - 50));
  const filled = Math.min(cells, Math.floor((current / total) * cells));
  const arrow = filled < cells ? '>' : '';
  return `[${'='.repeat(Math.max(0, filled - (arrow ? 0 : 0)))}${arrow}${' '.repeat(Math.max(0, cells - filled - arrow.length))}]  ${humanSize(current)}/${humanSize(total)}`;
}
