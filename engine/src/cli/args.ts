// Command-line flags the docker way: `--name value`, `--name=value`, `-n value`, `-qa` (short
// booleans combined), repeatable flags, `--` to end flags.
export interface FlagSpec {
  name: string;
  short?: string;
  type: 'boolean' | 'string' | 'list';
  description: string;
  /** Placeholder shown in help for string flags. */
  value?: string;
  /** What shell completion offers for the flag's value: a kind of object, or fixed words. */
  complete?: CompletionKind | readonly string[];
}

/** Objects shell completion lists by asking berth itself (`berth completion`). */
export type CompletionKind = 'container' | 'image' | 'volume' | 'network' | 'file';

export interface ParsedArgs {
  flags: Map<string, string | boolean | string[]>;
  positional: string[];
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseArgs(
  argv: string[],
  specs: FlagSpec[],
  options: { stopAtPositional?: boolean } = {},
): ParsedArgs {
  const flags = new Map<string, string | boolean | string[]>();
  const positional: string[] = [];
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  const set = (spec: FlagSpec, value: string | boolean) => {
    if (spec.type === 'list')
      flags.set(spec.name, [...((flags.get(spec.name) as string[]) ?? []), String(value)]);
    else flags.set(spec.name, value);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--') && arg.length > 2) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq >= 0 ? eq : undefined);
      const spec = byName.get(name);
      if (!spec) throw new UsageError(`unknown flag: --${name}`);
      if (spec.type === 'boolean') {
        const v = eq >= 0 ? arg.slice(eq + 1) : 'true';
        if (v !== 'true' && v !== 'false')
          throw new UsageError(`invalid value "${v}" for flag --${name}: expected true or false`);
        set(spec, v === 'true');
      } else {
        const v = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
        if (v === undefined) throw new UsageError(`flag needs an argument: --${name}`);
        set(spec, v);
      }
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const spec = byShort.get(arg[j]);
        if (!spec) throw new UsageError(`unknown shorthand flag: '${arg[j]}' in ${arg}`);
        if (spec.type === 'boolean') {
          set(spec, true);
          continue;
        }
        const rest = arg.slice(j + 1);
        const v = rest !== '' ? rest.replace(/^=/, '') : argv[++i];
        if (v === undefined) throw new UsageError(`flag needs an argument: '${arg[j]}' in ${arg}`);
        set(spec, v);
        break;
      }
      continue;
    }
    positional.push(arg);
    if (options.stopAtPositional) {
      positional.push(...argv.slice(i + 1));
      break;
    }
  }
  return { flags, positional };
}

export function flagString(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

export function flagBool(args: ParsedArgs, name: string): boolean {
  return args.flags.get(name) === true;
}

export function flagList(args: ParsedArgs, name: string): string[] {
  const v = args.flags.get(name);
  return Array.isArray(v) ? v : [];
}

export function formatFlags(specs: FlagSpec[]): string {
  const rows = specs.map((s) => {
    const left = `${s.short ? `-${s.short}, ` : '    '}--${s.name}${s.type !== 'boolean' ? ` ${s.value ?? 'string'}` : ''}`;
    return [left, s.description];
  });
  const width = Math.max(0, ...rows.map(([l]) => l.length)) + 3;
  return rows.map(([l, d]) => `  ${l.padEnd(width)}${d}`).join('\n');
}
