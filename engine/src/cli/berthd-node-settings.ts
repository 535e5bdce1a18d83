// Two settings that keep an idle berthd small and can only be made before Node starts. bin/berthd
// re-executes itself with whichever is missing (prestart.ts: execve, the same pid, open files and
// arguments, ~0.1 s once at start); the extension starts berthd with both, so it never has to.
// - MALLOC_ARENA_MAX=1: glibc gives threads that allocate at once arenas of their own (up to 8 per
//   core), whose free pages stay resident: libuv's and V8's worker threads hold ~1.5 MiB in them
//   once a `docker load` has run. berthd's JS runs on one thread and its workers mostly wait on the
//   disk, so one arena costs nothing measurable. glibc reads the variable at the first malloc;
//   mallopt from JS comes too late.
// - --max-semi-space-size=1 (MiB): V8's young generation otherwise doubles under load, up to 16 MiB,
//   and never gives the pages back. berthd's JS objects are short-lived request state (the bytes it
//   moves live in Buffers, outside the heap): start-up, a `docker load` and a `docker run` take 8
//   scavenges instead of 4, for the same total (~10 ms). 0.3 MiB below the growth factor alone.
export const berthdNodeSettings = {
  env: { MALLOC_ARENA_MAX: '1' } as Record<string, string>,
  flags: ['--max-semi-space-size=1'],
};
