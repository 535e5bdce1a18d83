// Build failures a user can act on: what failed (in BuildKit's words where BuildKit has words for
// it), where in the Dockerfile, and for a failed RUN the last lines the command printed.

/** A place in the Dockerfile: 1-based lines, as editors and BuildKit show them. */
export interface DockerfileLocation {
  file: string;
  startLine: number;
  endLine: number;
}

export class BuildError extends Error {
  override name = 'BuildError';
  constructor(
    message: string,
    readonly details: {
      location?: DockerfileLocation;
      /** The step's display name (`[build 2/5] RUN make`). */
      step?: string;
      /** Last lines of the failed command's output. */
      logTail?: string[];
      /** Exit code of a failed RUN. */
      exitCode?: number;
      /** The Dockerfile's text, to show the lines around `location`. */
      source?: string;
    } = {},
  ) {
    super(message);
  }
}

/**
 * The Dockerfile lines around a failing instruction, marked as BuildKit prints them:
 *
 *     Dockerfile:3
 *     --------------------
 *        2 |     COPY . .
 *        3 | >>> RUN make
 *     --------------------
 */
export function dockerfileSnippet(text: string, location: DockerfileLocation, context = 2): string {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const from = Math.max(1, location.startLine - context);
  const to = Math.min(lines.length, location.endLine + context);
  const width = String(to).length;
  const out = [
    `${location.file}:${location.startLine === location.endLine ? location.startLine : `${location.startLine}-${location.endLine}`}`,
    '-'.repeat(20),
  ];
  for (let n = from; n <= to; n++) {
    const marked = n >= location.startLine && n <= location.endLine;
    out.push(` ${String(n).padStart(width + 2)} | ${marked ? '>>> ' : '    '}${lines[n - 1] ?? ''}`);
  }
  out.push('-'.repeat(20));
  return out.join('\n');
}

/**
 * A failed build as BuildKit's CLI reports it: the failed step and its last output lines, the
 * Dockerfile lines around the instruction, then the error.
 */
export function formatBuildError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (!(err instanceof BuildError)) return `ERROR: ${message}\n`;
  const { step, logTail, location, source } = err.details;
  let out = '';
  if (step) {
    out += `------\n > ${step}:\n`;
    for (const line of logTail ?? []) out += `${line}\n`;
    out += '------\n';
  }
  if (location && source !== undefined) out += `${dockerfileSnippet(source, location)}\n`;
  return `${out}ERROR: failed to solve: ${message}\n`;
}
