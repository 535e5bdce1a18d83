// Simple commands in RUN scripts, with their name, for the rules about particular programs.
import { runScripts, type RunScript } from '../analysis/runScripts';
import { commandIndex, commandName, type ShellCommand } from '../analysis/shell';
import type { DockerfileDocument } from '../document';

export interface RunCommand {
  readonly run: RunScript;
  readonly command: ShellCommand;
  /** Basename of the program (`apt-get` for `/usr/bin/apt-get`), after assignments and sudo. */
  readonly name: string;
  /** Index of the program word in `command.words`. */
  readonly at: number;
}

const runCommandsKey = Symbol('runCommands');

/** Every simple command of the document's RUN scripts, computed once per document version. */
export function runCommands(document: DockerfileDocument): readonly RunCommand[] {
  return document.cached(runCommandsKey, () => {
    const out: RunCommand[] = [];
    for (const run of runScripts(document)) {
      for (const command of run.script.commands) {
        const name = commandName(command);
        if (name) out.push({ run, command, name, at: commandIndex(command.words) });
      }
    }
    return out;
  });
}
