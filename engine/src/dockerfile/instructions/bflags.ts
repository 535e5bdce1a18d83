// BuildKit's BFlags: checks an instruction's flags against the flags it accepts, with BuildKit's
// error texts, and returns their values.

import type { Flag } from '../model';
import type { FlagInfo } from './metadata';
import { withSuggestion } from './suggest';

export interface FlagValues {
  /** The last value of each string or bool flag given ('true'/'false' for bools). */
  readonly values: ReadonlyMap<string, string>;
  /** Every value of each repeatable flag. */
  readonly lists: ReadonlyMap<string, readonly string[]>;
  /** The flags that were given, by name. */
  readonly used: ReadonlyMap<string, Flag>;
}

export type FlagsResult = FlagValues | { readonly error: string; readonly flag: Flag };

const NO_FLAGS: FlagValues = { values: new Map(), lists: new Map(), used: new Map() };

/** BFlags.Parse: the first problem stops, as in BuildKit. */
export function parseFlags(flags: readonly Flag[], accepted: ReadonlyMap<string, FlagInfo>): FlagsResult {
  if (flags.length === 0) return NO_FLAGS; // most instructions: nothing to allocate
  const values = new Map<string, string>();
  const lists = new Map<string, string[]>();
  const used = new Map<string, Flag>();
  for (const flag of flags) {
    const spec = accepted.get(flag.name);
    const flagName = '--' + flag.name;
    if (!spec) {
      return {
        error: withSuggestion(`unknown flag: ${flagName}`, flag.name, [...accepted.keys()].sort(), true),
        flag,
      };
    }
    if (used.has(flag.name) && spec.kind !== 'strings')
      return { error: `duplicate flag specified: ${flagName}`, flag };
    used.set(flag.name, flag);
    const value = flag.value;
    switch (spec.kind) {
      case 'bool': {
        if (value === '') return { error: `missing a value on flag: ${flagName}`, flag };
        const lower = (value ?? '').toLowerCase();
        if (lower === 'true' || lower === '') values.set(flag.name, 'true');
        else if (lower === 'false') values.set(flag.name, 'false');
        else return { error: `expecting boolean value for flag ${flagName}, not: ${value}`, flag };
        break;
      }
      case 'string':
        if (value === undefined) return { error: `missing a value on flag: ${flagName}`, flag };
        values.set(flag.name, value);
        break;
      case 'strings': {
        if (value === undefined) return { error: `missing a value on flag: ${flagName}`, flag };
        const list = lists.get(flag.name);
        if (list) list.push(value);
        else lists.set(flag.name, [value]);
        break;
      }
    }
  }
  return { values, lists, used };
}
