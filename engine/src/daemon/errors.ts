// The daemon's error kinds. Services throw these; the API maps each kind to its HTTP status
// (Docker's errdefs: not found 404, invalid 400, conflict 409, not modified 304, …) and the CLI
// prints the message. A message says what happened, to what, and what to do next.

export type ErrorKind =
  | 'invalid'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'not-modified'
  | 'unavailable'
  | 'not-implemented'
  | 'system';

export class EngineError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EngineError';
  }
}

export const invalid = (message: string): EngineError => new EngineError('invalid', message);
export const notFound = (message: string): EngineError => new EngineError('not-found', message);
export const conflict = (message: string): EngineError => new EngineError('conflict', message);
export const notModified = (message = ''): EngineError => new EngineError('not-modified', message);
export const forbidden = (message: string): EngineError => new EngineError('forbidden', message);
export const unavailable = (message: string): EngineError => new EngineError('unavailable', message);
export const notImplemented = (message: string): EngineError => new EngineError('not-implemented', message);

export function isEngineError(err: unknown, kind?: ErrorKind): err is EngineError {
  return err instanceof EngineError && (kind === undefined || err.kind === kind);
}

/** Whether `err` says the disk (or the quota) is full. */
export function isDiskFull(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/** The disk filled while doing `what` (e.g. `pulling busybox:latest into /var/lib/berth`). */
export function diskFull(what: string, err: unknown): EngineError {
  return new EngineError(
    'system',
    `${what}: no space left on device; free space (\`docker system prune\` removes unused data) and retry`,
    { cause: err },
  );
}

/** Turns a Node/koffi error into a system EngineError that keeps the cause, unless it already is one. */
export function asEngineError(err: unknown): EngineError {
  if (err instanceof EngineError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if ((err as NodeJS.ErrnoException)?.code === 'ENOSPC') {
    return new EngineError('system', `${message}: the disk is full; free space and retry`, { cause: err });
  }
  return new EngineError('system', message, { cause: err });
}
