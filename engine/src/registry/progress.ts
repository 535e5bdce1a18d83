// Progress of a pull or push, one message per change, shaped like the Docker Engine API's JSON
// progress stream so the API can forward them as they are and the CLI can render bars or lines.
export interface ProgressMessage {
  /** `Downloading`, `Pull complete`, `Pushed`… or a whole line such as `Digest: sha256:…`. */
  status: string;
  /** The layer (short digest) or tag the message is about; absent for whole-operation lines. */
  id?: string;
  progressDetail?: { current?: number; total?: number };
}

export type ProgressListener = (message: ProgressMessage) => void;

/** The 12-hex-digit short form Docker uses for layer IDs in progress output. */
export function shortId(digest: string): string {
  return digest.slice(digest.indexOf(':') + 1, digest.indexOf(':') + 13);
}

/** Runs `tasks` with at most `limit` at a time; rejects with the first failure after all settle. */
export async function runLimited<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      try {
        results[i] = await tasks[i]();
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  if (failure) throw failure.error;
  return results;
}
