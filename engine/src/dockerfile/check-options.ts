// BuildKit's check options, the value of a `# check=skip=…;error=…;experimental=…` directive (and of
// a `check=` comment above one instruction), parsed as BuildKit's linter parses them. The language
// server reads them to skip rules; the builder refuses a build whose directive does not parse, in
// the same words the editor shows.

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
