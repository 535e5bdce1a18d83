// EXPOSE port specs as BuildKit reads them (go-connections' nat.ParsePortSpec):
// `[ip:][hostPort:]containerPort[/proto]`. One reading for the language server (diagnostics,
// lint rules) and the builder (the image's ExposedPorts), so both refuse the same specs in the
// same words.

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

const protocols: ReadonlySet<string> = new Set(['tcp', 'udp', 'sctp']);

/** BuildKit's EXPOSE port validation, in its words; undefined when the spec is valid. */
export function exposePortError(raw: string): string | undefined {
  const spec = splitPortSpec(raw);
  const portWithProto = raw.split(':').pop() ?? '';
  if (spec.containerPort === '') return `invalid port: "${raw}": no port specified: ${portWithProto}<empty>`;
  if (spec.proto !== '' && !protocols.has(spec.proto.toLowerCase())) {
    return `invalid port: "${raw}": invalid proto: ${spec.proto}`;
  }
  const container = portRange(spec.containerPort);
  if (!container) return `invalid containerPort: ${spec.containerPort}`;
  if (spec.hostPort !== '') {
    const host = portRange(spec.hostPort);
    if (!host) return `invalid hostPort: ${spec.hostPort}`;
    if (container[1] - container[0] !== host[1] - host[0] && container[1] !== container[0]) {
      return `invalid ranges specified for container and host Ports: ${spec.containerPort} and ${spec.hostPort}`;
    }
  }
  return undefined;
}

/**
 * The image config's ExposedPorts keys (`port/proto`) a spec stands for: every port of a range,
 * tcp when no protocol is written. Throws with exposePortError's words when the spec is invalid.
 */
export function exposedPortKeys(raw: string): string[] {
  const error = exposePortError(raw);
  if (error !== undefined) throw new Error(error);
  const spec = splitPortSpec(raw);
  const proto = spec.proto === '' ? 'tcp' : spec.proto.toLowerCase();
  const [start, end] = portRange(spec.containerPort)!;
  const keys: string[] = [];
  for (let p = start; p <= end; p++) keys.push(`${p}/${proto}`);
  return keys;
}

function portRange(text: string): [number, number] | undefined {
  const dash = text.indexOf('-');
  const start = port(dash < 0 ? text : text.slice(0, dash));
  if (start === undefined) return undefined;
  if (dash < 0) return [start, start];
  const end = port(text.slice(dash + 1));
  if (end === undefined || end < start) return undefined;
  return [start, end];
}

function port(text: string): number | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= 0 && value <= 65535 ? value : undefined;
}
