// Which scheme an insecure registry answered on, remembered per store. Docker's rules try https
// first for an insecure registry, then plain http; for the usual local registry that https attempt
// (loading tls, a TLS context, a refused handshake) is ~11 ms of a ~180 ms CLI pull, paid again on
// every pull. So the scheme that worked is remembered and tried first next time, the other one
// still after it: a registry that moves to https keeps working, and the memory follows it.
// The memory only orders the schemes Docker's rules allow; a registry that is not insecure is
// never tried over plain http, whatever the file says.
import * as fs from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../store/atomic';

export type Scheme = 'https' | 'http';

export interface SchemeMemory {
  get(host: string): Scheme | undefined;
  set(host: string, scheme: Scheme): void;
}

/** The schemes to try, in order, for a registry host. */
export function schemeOrder(insecure: boolean, remembered: Scheme | undefined): Scheme[] {
  if (!insecure) return ['https'];
  return remembered === 'http' ? ['http', 'https'] : ['https', 'http'];
}

/**
 * Whether a plain http answer to /v2/ means "try https instead": Go's TLS server (the registry's)
 * answers plain HTTP with 400 "Client sent an HTTP request to an HTTPS server", and no registry
 * answers 400 to /v2/ otherwise.
 */
export function isTlsPortAnswer(scheme: Scheme, status: number): boolean {
  return scheme === 'http' && status === 400;
}

/**
 * A memory kept in one JSON file ({ "host:port": "http" | "https" }). It is only a hint: a missing,
 * unreadable or malformed file is an empty memory, and a failed write (a read-only store) is
 * ignored; writes are atomic, so a crash leaves the old file or the new one.
 */
export function fileSchemeMemory(file: string): SchemeMemory {
  let entries: Record<string, Scheme> | undefined;
  const load = (): Record<string, Scheme> => {
    if (entries) return entries;
    entries = Object.create(null) as Record<string, Scheme>;
    try {
      const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        for (const [host, scheme] of Object.entries(parsed)) {
          if (scheme === 'http' || scheme === 'https') entries[host] = scheme;
        }
      }
    } catch {
      // Absent or damaged: nothing remembered; the next successful ping rewrites it.
    }
    return entries;
  };
  return {
    get: (host) => (Object.hasOwn(load(), host) ? load()[host] : undefined),
    set(host, scheme) {
      entries = undefined; // another process may have written since
      const current = load();
      if (current[host] === scheme) return;
      current[host] = scheme;
      try {
        writeFileAtomic(file, JSON.stringify(current));
      } catch {
        // A store we cannot write to only loses the hint.
      }
    },
  };
}

/** The memory of a store: <root>/registry-schemes.json. */
export function storeSchemeMemory(storeRoot: string): SchemeMemory {
  return fileSchemeMemory(join(storeRoot, 'registry-schemes.json'));
}
