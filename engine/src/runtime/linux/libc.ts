// The one place that loads libc through koffi, and the one error convention for every kernel call:
// a failed call throws an ErrnoError that names the call, its argument and errno,
// e.g. `mount("/x", …): EPERM (Operation not permitted)`.
import { constants } from 'node:os';
// koffi's package is "type": "module" with a CommonJS entry; under node16 resolution TypeScript
// only lets a CommonJS file take its types through a type-only import that resolves as ESM.
import type * as Koffi from 'koffi' with { 'resolution-mode': 'import' };
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const koffi: typeof Koffi = require('koffi');

export const libc = koffi.load('libc.so.6');

const errnoNames = new Map<number, string>(
  Object.entries(constants.errno).map(([name, value]) => [value, name]),
);

export function errnoName(errno: number): string {
  return errnoNames.get(errno) ?? `errno ${errno}`;
}

export class ErrnoError extends Error {
  /** The errno name, as Node's own system errors have it (`EPERM`). */
  readonly code: string;

  constructor(
    readonly call: string,
    readonly arg: string,
    readonly errno: number,
  ) {
    const code = errnoName(errno);
    super(`${call}(${arg}): ${code}${describeErrno(errno)}`);
    this.name = 'ErrnoError';
    this.code = code;
  }
}

function describeErrno(errno: number): string {
  const text = strerror(errno);
  return text ? ` (${text})` : '';
}

const strerrorFn = libc.func('const char *strerror(int errnum)');
function strerror(errno: number): string {
  return (strerrorFn(errno) as string | null) ?? '';
}

/** The errno left by the last koffi call on this thread. */
export function lastErrno(): number {
  return koffi.errno();
}

/**
 * Throws an ErrnoError when a libc call returned -1 (or any negative value); returns the result otherwise.
 * Read errno immediately after the call: pass the result straight in, `check('mount', src, mount(...))`.
 */
export function check<T extends number | bigint>(call: string, arg: string, result: T): T {
  if (result < 0) throw new ErrnoError(call, arg, koffi.errno());
  return result;
}
