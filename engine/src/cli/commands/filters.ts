// `--filter key=value` (repeatable) as the Engine API's `filters` query: `{"key":["value",…]}`.
import { UsageError } from '../args';

export function filtersQuery(values: string[], allowed: readonly string[]): string | undefined {
  if (values.length === 0) return undefined;
  const filters: Record<string, string[]> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new UsageError(`bad format of filter "${v}": expected name=value`);
    const key = v.slice(0, eq);
    if (!allowed.includes(key))
      throw new UsageError(`invalid filter '${key}': this command filters by ${allowed.join(', ')}`);
    (filters[key] ??= []).push(v.slice(eq + 1));
  }
  return JSON.stringify(filters);
}

/** `--label k=v` / `--opt k=v` (repeatable) as a map; a bare `k` maps to "". */
export function keyValueMap(values: string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq === 0) throw new UsageError(`invalid value "${v}": the key is empty`);
    map[eq < 0 ? v : v.slice(0, eq)] = eq < 0 ? '' : v.slice(eq + 1);
  }
  return map;
}
