// The shape of a CLI verb: its usage, flags and a run function that parses nothing itself.
import type { Readable, Writable } from 'node:stream';
import type { CompletionKind, FlagSpec, ParsedArgs } from '../args';
import type { ImageBackend } from '../backend';

export interface CliContext {
  backend: ImageBackend;
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean };
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
  run(ctx: CliContext, args: ParsedArgs): Promise<number | void>;
}

export function write(stream: Writable, text: string): void {
  stream.write(text);
}
