// EXPOSE port specs as BuildKit splits them: `[ip:][hostPort:]containerPort[/proto]`.

export interface PortSpec {
  readonly ip: string;
  readonly hostPort: string;
  readonly containerPort: string;
  /** The protocol as written ('' when absent). */
  readonly proto: string;
}

export function splitPortSpec(raw: string): PortSpec {
  const parts = raw.split(':');
  const n = parts.length;
  const last = parts[n - 1];
  const slash = last.indexOf('/');
  const containerPort = slash < 0 ? last : last.slice(0, slash);
  const proto = slash < 0 ? '' : last.slice(slash + 1);
  if (n === 1) return { ip: '', hostPort: '', containerPort, proto };
  if (n === 2) return { ip: '', hostPort: parts[0], containerPort, proto };
  return { ip: parts.slice(0, n - 2).join(':'), hostPort: parts[n - 2], containerPort, proto };
}
