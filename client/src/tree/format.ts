// How sizes, ages and ports read in the views: the same units and words as the docker CLI, so
// numbers match what users see in a terminal.

/** Bytes in the docker CLI's decimal units: 4.26MB, 1.2GB, 512B. */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${Number(value.toFixed(digits))}${units[unit]}`;
}

/** "3 minutes ago", from a Unix time in seconds: the docker CLI's wording (go-units HumanDuration). */
export function formatAge(createdSeconds: number, nowMs: number): string {
  const seconds = Math.max(0, Math.floor(nowMs / 1000 - createdSeconds));
  const minutes = Math.floor(seconds / 60);
  const hours = Math.floor(minutes / 60);
  const days = Math.floor(hours / 24);
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'} ago`;
  if (seconds < 1) return 'less than a second ago';
  if (seconds < 60) return plural(seconds, 'second');
  if (minutes === 1) return 'about a minute ago';
  if (minutes < 60) return plural(minutes, 'minute');
  if (hours === 1) return 'about an hour ago';
  if (hours < 48) return plural(hours, 'hour');
  if (days < 14) return plural(days, 'day');
  if (days < 60) return plural(Math.floor(days / 7), 'week');
  if (days < 365 * 2) return plural(Math.floor(days / 30), 'month');
  return plural(Math.floor(days / 365), 'year');
}

export interface PortInfo {
  IP?: string;
  PrivatePort: number;
  PublicPort?: number;
  Type: string;
}

/** Published ports as `8080→80/tcp`, private-only ports as `80/tcp`; IPv4/IPv6 duplicates folded. */
export function formatPorts(ports: readonly PortInfo[]): string {
  const seen = new Set<string>();
  const out: string[] = [];
  const sorted = [...ports].sort(
    (a, b) => a.PrivatePort - b.PrivatePort || (a.PublicPort ?? 0) - (b.PublicPort ?? 0),
  );
  for (const p of sorted) {
    const text = p.PublicPort ? `${p.PublicPort}→${p.PrivatePort}/${p.Type}` : `${p.PrivatePort}/${p.Type}`;
    if (seen.has(text)) continue;
    seen.add(text);
    out.push(text);
  }
  return out.join(', ');
}

/** The first 12 hex digits of an ID, without its `sha256:` prefix. */
export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}
