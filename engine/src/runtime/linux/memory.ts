// Giving memory back to the kernel when the daemon goes idle. After a burst of work (an image
// loaded, a build) the V8 heap holds garbage until its next collection, and glibc's malloc keeps the
// pages it freed (V8's parser and compiler zones, Node's buffers) for reuse: an idle berthd would
// sit on several MiB it no longer uses. A full collection followed by malloc_trim(3) returns both.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { libc } from './libc';

const mallocTrim = libc.func('int malloc_trim(size_t pad)');

let collect: (() => void) | undefined;

/** V8's full collection, reached as `--expose-gc` offers it (the flag applies to new contexts). */
function fullCollection(): () => void {
  if (!collect) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  return collect;
}

/** Collects the heap's garbage, then hands malloc's free pages back to the kernel. */
export function releaseFreeMemory(): void {
  fullCollection()();
  mallocTrim(0);
}
