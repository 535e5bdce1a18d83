// Errors BuildKit raises while converting the Dockerfile to a build (after parsing), that we can
// detect from the text alone: a malformed `# check=` directive, EXPOSE specs that are not ports,
// STOPSIGNAL values that are not signals, and a FROM whose base is blank whatever the build args.
// The parser reports everything else BuildKit refuses before building (stage graph included).
import type { Range } from 'vscode-languageserver-types';
import {
  evaluateGlobalArgs,
  exposePortError,
  parseCheckOptions,
  processShellWord,
  stopSignalError,
  variablesFrom,
  type Dockerfile,
} from '../../engine/src/dockerfile';
import type { DockerfileDocument } from '../../engine/src/dockerfile/lint/document';

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
  errors.push(...blankBaseErrors(dockerfile));
  for (const stage of dockerfile.stages) {
    for (const instruction of stage.instructions) {
      if (instruction.name === 'EXPOSE') {
        for (const arg of instruction.args) {
          if (arg.value.includes('$')) continue;
          const message = exposePortError(arg.value);
          if (message) errors.push({ range: arg.range, message });
        }
      } else if (instruction.name === 'STOPSIGNAL') {
        const arg = instruction.args[0];
        if (!arg || arg.value.includes('$')) continue;
        const message = stopSignalError(arg.value);
        if (message) errors.push({ range: arg.range, message });
      }
    }
  }
  return errors;
}

/**
 * `FROM ${UNSET}`: the builder refuses a base that expands to nothing. Reported only when no
 * build arg could fill it, i.e. none of the variables it reads is a global ARG (a build arg for
 * an undeclared ARG never reaches FROM).
 */
function blankBaseErrors(dockerfile: Dockerfile): BuildError[] {
  const declared = new Set<string>();
  for (const instruction of dockerfile.globalArgs) {
    if (instruction.command?.kind === 'ARG')
      for (const arg of instruction.command.args) declared.add(arg.key);
  }
  let variables: ReturnType<typeof variablesFrom> | undefined;
  const errors: BuildError[] = [];
  for (const stage of dockerfile.stages) {
    const base = stage.base;
    if (!base || !base.value.includes('$')) continue;
    if (stage.from.variables.some((reference) => declared.has(reference.name))) continue;
    variables ??= variablesFrom(evaluateGlobalArgs(dockerfile).values);
    const expanded = processShellWord(base.value, variables, { escapeChar: dockerfile.escapeChar });
    if (expanded.error === undefined && expanded.value === '') {
      errors.push({ range: base.range, message: `base name (${base.value}) should not be blank` });
    }
  }
  return errors;
}
