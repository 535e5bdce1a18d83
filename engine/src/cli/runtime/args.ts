// Command-line parsing the way runc's (urfave/cli) works: flags before positional arguments,
// `--flag value` or `--flag=value`, short aliases, repeatable flags; parsing stops at the first
// positional argument after which the rest belongs to the command (exec's program and args).

export interface FlagSpec {
  /** Long name without dashes; aliases may include one-letter short names. */
  name: string;
  aliases?: string[];
  /** Takes a value (otherwise a boolean; `--flag=false` also works). */
  value?: boolean;
  /** May be given more than once (values are collected). */
  repeat?: boolean;
}

export interface Parsed {
  flags: Map<string, string[]>;
  positional: string[];
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseArgs(argv: string[], specs: FlagSpec[], command: string): Parsed {
  const byName = new Map<string, FlagSpec>();
  for (const s of specs) for (const n of [s.name, ...(s.aliases ?? [])]) byName.set(n, s);
  const flags = new Map<string, string[]>();
  const positional: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      i++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    const spec = byName.get(name);
    if (!spec)
      throw new UsageError(`${command}: unknown flag ${arg} (see \`berth-runtime ${command} --help\`)`);
    let value: string;
    if (spec.value) {
      if (eq >= 0) value = body.slice(eq + 1);
      else if (i + 1 < argv.length) value = argv[++i];
      else throw new UsageError(`${command}: flag --${spec.name} needs a value`);
    } else {
      value = eq >= 0 ? body.slice(eq + 1) : 'true';
      if (value !== 'true' && value !== 'false')
        throw new UsageError(`${command}: flag --${spec.name} takes true or false, not "${value}"`);
    }
    const list = flags.get(spec.name) ?? [];
    if (!spec.repeat) list.length = 0;
    list.push(value);
    flags.set(spec.name, list);
  }
  positional.push(...argv.slice(i));
  return { flags, positional };
}

export function flag(p: Parsed, name: string): string | undefined {
  return p.flags.get(name)?.at(-1);
}

export function bool(p: Parsed, name: string): boolean {
  return flag(p, name) === 'true';
}

export function all(p: Parsed, name: string): string[] {
  return p.flags.get(name) ?? [];
}
