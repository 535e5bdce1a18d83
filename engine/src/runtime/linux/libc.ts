// The one place that loads libc through koffi, and the one error convention for every kernel call:
// a failed call throws an ErrnoError that names the call, its argument and errno,
// e.g. `mount("/x", …): EPERM (Operation not permitted)`.
import { constants } from 'node:os';
// koffi's package is "type": "module" with a CommonJS entry; under node16 resolution TypeScript
// only lets a CommonJS file take its types through a type-only import that resolves as ESM.
import type * as Koffi from 'koffi' with { 'resolution-mode': 'import' };

type LibcFunction = ReturnType<Koffi.LibraryHandle['func']>;

let native: { koffi: typeof Koffi; libc: Koffi.LibraryHandle } | undefined;

/**
 * koffi and libc, loaded on first use: ~10 ms that a command which makes no such call (`berth
 * images`, a pull into an existing store) would otherwise pay at every start.
 */
function loadNative(): { koffi: typeof Koffi; libc: Koffi.LibraryHandle } {
  if (!native) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const koffi: typeof Koffi = require('koffi');
    native = { koffi, libc: koffi.load('libc.so.6') };
  }
  return native;
}

/** koffi itself (alloc, view, struct, load), loaded on first use. */
export function ffi(): typeof Koffi {
  return loadNative().koffi;
}

/**
 * libc's functions, declared at module load as before but bound on their first call (and `async`
 * on its first use), which loads koffi then. errno is still read right after the call itself.
 */
export const libc = {
  func(definition: string): LibcFunction {
    let bound: LibcFunction | undefined;
    const bind = () => (bound ??= loadNative().libc.func(definition));
    const call = ((...args: unknown[]) => bind()(...args)) as LibcFunction;
    Object.defineProperty(call, 'async', { get: () => bind().async });
    return call;
  },
};

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
  return ffi().errno();
}

/**
 * Throws an ErrnoError when a libc call returned -1 (or any negative value); returns the result otherwise.
 * Read errno immediately after the call: pass the result straight in, `check('mount', src, mount(...))`.
 */
export function check<T extends number | bigint>(call: string, arg: string, result: T): T {
  if (result < 0) throw new ErrnoError(call, arg, ffi().errno());
  return result;
}
