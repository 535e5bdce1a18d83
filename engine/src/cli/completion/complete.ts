// What shell completion offers for a partly typed command line, read off the same command and flag
// tables the parser uses: verbs, subcommands (and `image ls`-style aliases), flags, flag values,
// and the names of containers, images, volumes and networks, which `list` fetches (by running berth
// itself, see commands/completion.ts) so they come from whichever engine the line talks to.
import type { CompletionKind, FlagSpec } from '../args';
import { subcommandEntries, type Command } from '../commands/command';

export interface Candidate {
  value: string;
  description?: string;
}

export interface CompletionTables {
  globalFlags: FlagSpec[];
  commands: Command[];
  /** `image ls` → `images`: the second words a verb takes besides its subcommands. */
  aliases: Record<string, string[]>;
  /** Names of `kind` objects; `globalArgs` are the global flags typed on the line (`--root x`). */
  list(kind: CompletionKind, globalArgs: string[]): Promise<string[]>;
}

const helpFlag: FlagSpec = { name: 'help', type: 'boolean', description: 'Print usage' };

/** Candidates for the last of `words` (the words after `berth`; the last may be empty). */
export async function complete(words: string[], tables: CompletionTables): Promise<Candidate[]> {
  const current = words[words.length - 1] ?? '';
  const state = walk(words.slice(0, -1), tables);
  const flags = state.command ? [...state.command.flags, helpFlag] : tables.globalFlags;
  const offer = async (): Promise<Candidate[]> => {
    if (state.pendingFlag) return values(state.pendingFlag, '', state.globalArgs, tables);
    if (state.afterCommandArgs) return [];
    const eq = current.indexOf('=');
    if (current.startsWith('--') && eq > 0) {
      const spec = flags.find((f) => f.name === current.slice(2, eq));
      return spec ? values(spec, current.slice(0, eq + 1), state.globalArgs, tables) : [];
    }
    if (current.startsWith('-')) return flagNames(flags);
    if (!state.command) {
      return tables.commands.filter((c) => !c.hidden).map((c) => ({ value: c.name, description: c.summary }));
    }
    if (state.command.subcommands) {
      return subcommandEntries(state.command, tables.commands, tables.aliases).map((e) => ({
        value: e.name,
        description: e.summary,
      }));
    }
    const [, max] = state.command.args;
    if (max !== undefined && state.positionals >= max) return [];
    const kinds = state.command.complete ?? [];
    const kind = kinds[Math.min(state.positionals, kinds.length - 1)];
    return kind ? (await tables.list(kind, state.globalArgs)).map((value) => ({ value })) : [];
  };
  const seen = new Set<string>();
  return (await offer()).filter((c) => {
    if (!c.value.startsWith(current) || seen.has(c.value)) return false;
    seen.add(c.value);
    return true;
  });
}

interface WalkState {
  command?: Command;
  pendingFlag?: FlagSpec;
  positionals: number;
  globalArgs: string[];
  /** Past the image of `run IMAGE CMD…`: the rest belongs to the container's command. */
  afterCommandArgs: boolean;
}

function walk(words: string[], tables: CompletionTables): WalkState {
  const state: WalkState = { positionals: 0, globalArgs: [], afterCommandArgs: false };
  let dashDash = false;
  for (const word of words) {
    const flags = state.command ? [...state.command.flags, helpFlag] : tables.globalFlags;
    if (state.pendingFlag) {
      if (!state.command) state.globalArgs.push(word);
      state.pendingFlag = undefined;
      continue;
    }
    if (!dashDash && word === '--') {
      dashDash = true;
      continue;
    }
    if (!dashDash && word.startsWith('-') && word.length > 1 && !state.afterCommandArgs) {
      if (!state.command) state.globalArgs.push(word);
      state.pendingFlag = flagTakingValue(word, flags);
      continue;
    }
    if (!state.command) {
      state.command = tables.commands.find((c) => c.name === word);
      if (!state.command) state.afterCommandArgs = true;
      continue;
    }
    if (state.command.subcommands) {
      const alias = tables.aliases[`${state.command.name} ${word}`];
      const next = alias
        ? tables.commands.find((c) => c.name === alias[0])
        : state.command.subcommands.find((c) => c.name === word);
      if (!next) state.afterCommandArgs = true;
      else state.command = next;
      continue;
    }
    state.positionals++;
    if (state.command.stopAtPositional) state.afterCommandArgs = true;
  }
  return state;
}

/** The flag whose value the next word is (`--network`, `-e`, `-qf`), or undefined. */
function flagTakingValue(word: string, flags: FlagSpec[]): FlagSpec | undefined {
  if (word.startsWith('--')) {
    if (word.includes('=')) return undefined;
    const spec = flags.find((f) => f.name === word.slice(2));
    return spec && spec.type !== 'boolean' ? spec : undefined;
  }
  for (let i = 1; i < word.length; i++) {
    const spec = flags.find((f) => f.short === word[i]);
    if (!spec) return undefined;
    if (spec.type !== 'boolean') return i === word.length - 1 ? spec : undefined;
  }
  return undefined;
}

function flagNames(flags: FlagSpec[]): Candidate[] {
  return flags.flatMap((f) => [
    { value: `--${f.name}`, description: f.description },
    ...(f.short ? [{ value: `-${f.short}`, description: f.description }] : []),
  ]);
}

async function values(
  spec: FlagSpec,
  prefix: string,
  globalArgs: string[],
  tables: CompletionTables,
): Promise<Candidate[]> {
  if (!spec.complete) return [];
  const words =
    typeof spec.complete === 'string' ? await tables.list(spec.complete, globalArgs) : spec.complete;
  return words.map((w) => ({ value: prefix + w }));
}
