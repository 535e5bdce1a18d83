// BuildKit's check configuration: the `# check=skip=…;error=…;experimental=…` parser directive for
// the whole file, and the same syntax in a comment directly above an instruction for that
// instruction only. Parsed the way BuildKit's linter parses it, so the same text skips the same
// rules here and in a build.
import type { Directive, Instruction } from '../../../engine/src/dockerfile/model';

export interface CheckConfig {
  readonly skipAll: boolean;
  readonly skip: ReadonlySet<string>;
  readonly experimentalAll: boolean;
  readonly experimental: ReadonlySet<string>;
  /** `error=true`: any check hit fails the build. */
  readonly error: boolean;
}

export const emptyCheckConfig: CheckConfig = {
  skipAll: false,
  skip: new Set(),
  experimentalAll: false,
  experimental: new Set(),
  error: false,
};

export type ParsedCheckConfig =
  { config: CheckConfig; error?: undefined } | { config?: undefined; error: string };

/** Parses a `check` value; errors use BuildKit's words. */
export function parseCheckOptions(value: string): ParsedCheckConfig {
  const text = value.trim();
  if (text === '') return { config: emptyCheckConfig };
  let skipAll = false;
  let experimentalAll = false;
  let error = false;
  let skip: string[] = [];
  let experimental: string[] = [];
  // BuildKit splits into at most three parts; a fourth `;` stays inside the third value.
  const parts = splitN(text, ';', 3);
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq < 0) return { error: `invalid check option "${part}"` };
    const key = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    switch (key) {
      case 'skip':
        if (v === 'all') skipAll = true;
        else skip = v.split(',').map((r) => r.trim());
        break;
      case 'experimental':
        if (v === 'all') experimentalAll = true;
        else experimental = v.split(',').map((r) => r.trim());
        break;
      case 'error': {
        const parsed = parseGoBool(v);
        if (parsed === undefined) {
          return {
            error: `failed to parse check option "${part}": strconv.ParseBool: parsing "${v}": invalid syntax`,
          };
        }
        error = parsed;
        break;
      }
      default:
        return { error: `invalid check option "${key}"` };
    }
  }
  return {
    config: { skipAll, skip: new Set(skip), experimentalAll, experimental: new Set(experimental), error },
  };
}

function splitN(text: string, separator: string, n: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (parts.length < n - 1) {
    const at = rest.indexOf(separator);
    if (at < 0) break;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + separator.length);
  }
  parts.push(rest);
  return parts;
}

function parseGoBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return undefined;
}

/** The file-level configuration from the `# check=` directive (invalid text: nothing skipped). */
export function fileCheckConfig(directives: readonly Directive[]): CheckConfig {
  const directive = directives.find((d) => d.name === 'check');
  return (directive && parseCheckOptions(directive.value).config) ?? emptyCheckConfig;
}

/**
 * The configuration for one instruction: the file's, merged with the first `check=` comment
 * directly above the instruction (BuildKit reads only the text up to the first space).
 */
export function instructionCheckConfig(file: CheckConfig, instruction: Instruction): CheckConfig {
  for (const comment of instruction.comments) {
    const match = /^\s*check\s*=\s*(.*)$/i.exec(comment);
    if (!match) continue;
    const parsed = parseCheckOptions(match[1].split(' ')[0]).config;
    if (!parsed) return file;
    return {
      skipAll: file.skipAll || parsed.skipAll,
      skip: new Set([...file.skip, ...parsed.skip]),
      experimentalAll: file.experimentalAll || parsed.experimentalAll,
      experimental: new Set([...file.experimental, ...parsed.experimental]),
      error: file.error,
    };
  }
  return file;
}
