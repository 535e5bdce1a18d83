// Errors BuildKit raises while converting the Dockerfile to a build (after parsing), that we can
// detect from the text alone: a malformed `# check=` directive and EXPOSE specs that are not ports.
// The parser reports everything else BuildKit refuses before building (stage graph included).
import type { Range } from 'vscode-languageserver-types';
import { parseCheckOptions } from './rules/checkConfig';
import type { DockerfileDocument } from './document';
import { splitPortSpec } from './rules/expose';

export interface BuildError {
  readonly range: Range;
  readonly message: string;
}

export function buildErrors(document: DockerfileDocument): BuildError[] {
  const dockerfile = document.dockerfile;
  const errors: BuildError[] = [];
  for (const directive of dockerfile.directives) {
    if (directive.name !== 'check') continue;
    const parsed = parseCheckOptions(directive.value);
    if (parsed.error !== undefined) {
      errors.push({
        range: directive.valueToken.range,
        message: `failed to parse check options: ${parsed.error}`,
      });
    }
  }
  for (const stage of dockerfile.stages) {
    for (const instruction of stage.instructions) {
      if (instruction.name === 'EXPOSE') {
        for (const arg of instruction.args) {
          if (arg.value.includes('$')) continue;
          const message = portError(arg.value);
          if (message) errors.push({ range: arg.range, message });
        }
      }
    }
  }
  return errors;
}

const protocols: ReadonlySet<string> = new Set(['tcp', 'udp', 'sctp']);

/** BuildKit's EXPOSE port validation, in its words; undefined when the spec is valid. */
export function portError(raw: string): string | undefined {
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
