// Giving memory back to the kernel when the daemon goes idle. After a burst of work (an image
// loaded, a build) the V8 heap holds garbage until its next collection, and glibc's malloc keeps the
// pages it freed (V8's parser and compiler zones, Node's buffers) for reuse: an idle berthd would
// sit on several MiB it no longer uses. A full collection followed by malloc_trim(3) returns both.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { libc } from './libc';

const mallocTrim = libc.func('int malloc_trim(size_t pad)');
const mallopt = libc.func('int mallopt(int param, int value)');
// <malloc.h>
const M_TRIM_THRESHOLD = -1;
const M_MMAP_THRESHOLD = -3;

let collect: (() => void) | undefined;

/** V8's full collection, reached as `--expose-gc` offers it (the flag applies to new contexts). */
function fullCollection(): () => void {
  if (!collect) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  return collect;
}

/**
 * Keeps glibc's thresholds at their documented 128 KiB defaults. Left dynamic, the first large
 * buffer freed (a 256 KiB gunzip chunk, a 1 MiB read) raises the mmap threshold to its size and the
 * trim threshold to twice that; from then on such buffers come from the per-thread arenas of Node's
 * worker threads, whose free top malloc_trim(3) never returns (it trims the main arena's top only):
 * ~2 MiB stayed resident after one `docker load`. Fixed thresholds send large buffers to mmap, given
 * back on free, at the cost of one mmap/munmap per such buffer (the daemon allocates few: streams
 * reuse their chunks).
 */
export function keepMallocThresholds(): void {
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
  mallopt(M_TRIM_THRESHOLD, 128 * 1024);
}

let transfers = 0;

/**
 * Holds releaseFreeMemory off while a big transfer (a pull) streams: berthd's API goes quiet a
 * second into a pull, and a full collection plus malloc_trim(3) then would cost the pull 20–80 ms
 * (measured here under load) only to hand back pages its next buffers fault in again. Nested calls
 * count; returns the function that ends the hold (the idle task runs after the request anyway).
 */
export function holdMemoryRelease(): () => void {
  transfers++;
  let ended = false;
  return () => {
    if (!ended) transfers--;
    ended = true;
  };
}

/** Collects the heap's garbage, then hands malloc's free pages back to the kernel. */
export function releaseFreeMemory(): void {
  if (transfers > 0) return;
  // Twice: V8 frees dead Buffers' memory on a background job after a collection, and the next
  // collection waits for that job. Trimmed after one only, the buffers of a 200 MB pull were freed
  // after the trim and stayed resident: idle berthd at 85–128 MiB after pulls instead of ~60.
  fullCollection()();
  fullCollection()();
  mallocTrim(0);
}
