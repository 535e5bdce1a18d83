// The shape of a CLI verb: its usage, flags and a run function that parses nothing itself.
import type { Readable, Writable } from 'node:stream';
import type { CompletionKind, FlagSpec, ParsedArgs } from '../args';
import type { ImageBackend } from '../backend';
import type { DaemonApi } from '../daemon/client';

export interface CliContext {
  backend: ImageBackend;
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean };
  /** The engine daemon (berthd or another Docker-API engine); rejects saying how to start one. */
  daemon(): Promise<DaemonApi>;
  /** The daemon when one answers, else undefined: the verb works in-process. */
  daemonIfRunning(): Promise<DaemonApi | undefined>;
}

export interface Command {
  name: string;
  /** e.g. `berth pull [OPTIONS] NAME[:TAG|@DIGEST]` */
  usage: string;
  summary: string;
  flags: FlagSpec[];
  /** Positional argument count: [min, max] (max undefined = any). */
  args: [number, number?];
  /** Flags end at the first positional argument (`run IMAGE CMD --flag` passes --flag to CMD). */
  stopAtPositional?: boolean;
  /** `berth volume ls`: the verb only groups these (its own run() is never called). */
  subcommands?: Command[];
  /** What each positional argument is, for shell completion; the last one repeats. */
  complete?: CompletionKind[];
  /** Left out of `berth --help` (`__complete`). */
  hidden?: boolean;
  /**
   * Where the verb does its work: 'daemon' verbs need one (ps, logs…), 'either' ones use a daemon
   * when it answers and work in-process otherwise; in-process only when absent.
   */
  engine?: 'daemon' | 'either';
  run(ctx: CliContext, args: ParsedArgs): Promise<number | void>;
}

export function write(stream: Writable, text: string): void {
  stream.write(text);
}

/** A word a management command (`image`, `container`…) takes: its own subcommand or an alias. */
export interface SubcommandEntry {
  name: string;
  summary: string;
  /** The verb it runs: the subcommand itself, or the top-level verb an alias names (`images`). */
  runs: Command;
}

/**
 * Every word `command` takes, sorted by name as docker's help lists them: its subcommands and the
 * aliases (`image ls` → `images`) from `aliases`. Both `--help` and shell completion read this.
 */
export function subcommandEntries(
  command: Command,
  commands: Command[],
  aliases: Record<string, string[]>,
): SubcommandEntry[] {
  const own = (command.subcommands ?? []).map((c) => ({ name: c.name, summary: c.summary, runs: c }));
  const aliased = Object.entries(aliases).flatMap(([key, [target]]) => {
    const [group, name] = key.split(' ');
    const runs = commands.find((c) => c.name === target);
    return group === command.name && runs ? [{ name, summary: runs.summary, runs }] : [];
  });
  return [...own, ...aliased].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
