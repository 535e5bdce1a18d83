// `berth`: a docker-like CLI. Global flags, then one verb (engine/src/cli/commands/), which parses
// its flags and calls one backend function. Exit codes: 0 ok, 1 the operation failed, 125 usage.
import { berthVersion } from '../version';
import { flagBool, flagList, flagString, formatFlags, parseArgs, UsageError, type FlagSpec } from './args';
import { globalFlags } from './global-flags';
import { LocalImageBackend } from './backend';
import { aliases, commands } from './commands/index';
import { subcommandEntries, type CliContext, type Command } from './commands/command';
import { readConfig } from './config';
import { DaemonConnector } from './daemon/connect';
import { defaultStoreRoot } from '../store/store';
import { enterUserNamespace, needsUserNamespace } from '../rootless/launcher';

export { globalFlags };

const helpFlag: FlagSpec = { name: 'help', type: 'boolean', description: 'Print usage' };

function mainUsage(): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 3;
  return `Usage:  berth [OPTIONS] COMMAND

A container engine for your editor, without Docker

Options:
${formatFlags(globalFlags)}

Commands:
${commands
  .filter((c) => !c.hidden)
  .map((c) => `  ${c.name.padEnd(width)}${c.summary}`)
  .join('\n')}

Run 'berth COMMAND --help' for more information on a command.
`;
}

function commandUsage(command: Command): string {
  if (command.subcommands) {
    // One line per verb: `image ls` and its alias `image list` both run `images`; the shorter shows.
    const all = subcommandEntries(command, commands, aliases);
    const entries = all.filter((e) => !all.some((o) => o.runs === e.runs && o.name.length < e.name.length));
    const width = Math.max(...entries.map((e) => e.name.length)) + 3;
    const subs = entries.map((e) => `  ${e.name.padEnd(width)}${e.summary}`).join('\n');
    return `Usage:  ${command.usage}\n\n${command.summary}\n\nCommands:\n${subs}\n\nRun 'berth ${command.name} COMMAND --help' for more information on a command.\n`;
  }
  const flags = [...command.flags, helpFlag];
  return `Usage:  ${command.usage}\n\n${command.summary}\n\nOptions:\n${formatFlags(flags)}\n`;
}

/** The command `words` name (`volume ls` → the `ls` subcommand of `volume`), and the words after it. */
export function resolveCommand(words: string[]): { command?: Command; path: string[]; rest: string[] } {
  let [verb, ...rest] = words;
  const alias = verb && aliases[`${verb} ${rest[0]}`];
  if (alias) [verb, ...rest] = [...alias, ...rest.slice(1)];
  let command = commands.find((c) => c.name === verb);
  const path = [verb];
  while (command?.subcommands && rest[0] !== undefined && !rest[0].startsWith('-')) {
    const sub: Command | undefined = command.subcommands.find((c) => c.name === rest[0]);
    if (!sub) break;
    path.push(sub.name);
    command = sub;
    rest = rest.slice(1);
  }
  return { command, path, rest };
}

/** The command `argv` runs (`pull`, `volume ls`), or undefined: bin/berth names its code cache's runs by it. */
export function commandName(argv: string[]): string | undefined {
  try {
    const { command, path } = resolveCommand(
      parseArgs(argv, globalFlags, { stopAtPositional: true }).positional,
    );
    return command ? path.join(' ') : undefined;
  } catch {
    return undefined; // flags the command itself refuses
  }
}

export async function main(
  argv: string[],
  io: Pick<CliContext, 'stdin' | 'stdout' | 'stderr'> = {
    // process.stdin is made on first read only: on /dev/null or a file it is an fs stream, whose
    // modules (node:fs/promises, readline) took ~4 ms of every command, most of which never read it.
    get stdin() {
      return process.stdin;
    },
    stdout: process.stdout,
    stderr: process.stderr,
  },
): Promise<number> {
  let verbName: string | undefined;
  try {
    const global = parseArgs(argv, globalFlags, { stopAtPositional: true });
    if (flagBool(global, 'version')) {
      io.stdout.write(`Berth version ${berthVersion}\n`);
      return 0;
    }
    const { command, path, rest } = resolveCommand(global.positional);
    const verb = path.join(' ');
    verbName = verb;
    if (!path[0] || flagBool(global, 'help')) {
      io.stdout.write(mainUsage());
      return path[0] || flagBool(global, 'help') ? 0 : 125;
    }
    if (!command) throw new UsageError(`'${verb}' is not a berth command.`);
    if (command.subcommands) {
      if (rest.length > 0 && rest[0] !== '--help' && rest[0] !== '-h')
        throw new UsageError(`unknown command "${rest[0]}" for "berth ${verb}"`);
      io.stdout.write(commandUsage(command));
      return 0;
    }
    const args = parseArgs(rest, [...command.flags, helpFlag], {
      stopAtPositional: command.stopAtPositional === true,
    });
    if (flagBool(args, 'help')) {
      io.stdout.write(commandUsage(command));
      return 0;
    }
    const [min, max] = command.args;
    if (args.positional.length < min || (max !== undefined && args.positional.length > max)) {
      const expected =
        max === undefined
          ? `at least ${min} argument${min === 1 ? '' : 's'}`
          : min === max
            ? `exactly ${min} argument${min === 1 ? '' : 's'}`
            : `${min} to ${max} arguments`;
      throw new UsageError(`"berth ${verb}" requires ${expected}.\n\nUsage:  ${command.usage}`);
    }
    const connector = new DaemonConnector(flagString(global, 'host'), {
      inProcess: flagString(global, 'root') !== undefined,
    });
    const viaDaemon =
      command.engine === 'daemon' ||
      (command.engine === 'either' && (await connector.daemonIfRunning()) !== undefined);
    // A normal user's in-process engine runs as root of its own user namespace (docs/rootless.md).
    if (!viaDaemon && needsUserNamespace()) return enterUserNamespace('berth');
    const configFile = flagString(global, 'config');
    const config = readConfig(configFile);
    const backend = new LocalImageBackend(flagString(global, 'root') ?? defaultStoreRoot(), {
      insecureRegistries: [
        ...(config['insecure-registries'] ?? []),
        ...flagList(global, 'insecure-registry'),
      ],
      userAgent: `berth/${berthVersion}`,
    });
    const status = await command.run(
      {
        get stdin() {
          return io.stdin;
        },
        stdout: io.stdout,
        stderr: io.stderr,
        backend,
        daemon: () => connector.daemon(),
        daemonIfRunning: () => connector.daemonIfRunning(),
      },
      args,
    );
    return status ?? 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(
        `berth: ${err.message}\nSee 'berth ${verbName && resolveCommand(verbName.split(' ')).command ? `${verbName} ` : ''}--help'.\n`,
      );
      return 125;
    }
    io.stderr.write(`Error: ${(err as Error).message}\n`);
    if (process.env.BERTH_DEBUG) io.stderr.write(`${(err as Error).stack}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`berth: ${(err as Error).stack}\n`);
      process.exitCode = 1;
    },
  );
}
