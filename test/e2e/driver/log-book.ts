// Everything the processes and the page said during a run, replayed when a run fails.
export class LogBook {
  private readonly lines: string[] = [];

  constructor(private readonly limit = 4000) {}

  add(source: string, line: string): void {
    this.lines.push(`[${source}] ${line}`);
    if (this.lines.length > this.limit) this.lines.splice(0, this.lines.length - this.limit);
  }

  dump(write: (text: string) => void): void {
    write(`---- collected logs (${this.lines.length} lines) ----\n`);
    for (const line of this.lines) write(line + '\n');
    write('---- end of collected logs ----\n');
  }
}
