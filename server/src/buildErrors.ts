// Errors BuildKit raises while converting the Dockerfile to a build (after parsing), that we can
// detect from the text alone: a malformed `# check=` directive and EXPOSE specs that are not ports.
// The parser reports everything else BuildKit refuses before building (stage graph included).
import type { Range } from 'vscode-languageserver-types';
import { exposePortError, parseCheckOptions } from '../../engine/src/dockerfile';
import type { DockerfileDocument } from './document';

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
          const message = exposePortError(arg.value);
          if (message) errors.push({ range: arg.range, message });
        }
      }
    }
  }
  return errors;
}
