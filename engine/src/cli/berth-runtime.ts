// berth-runtime: the OCI runtime command line, with runc's commands and flags, so engines that
// drive runc (podman, containerd, conformance tools) can drive us. Each verb parses its flags,
// calls one function of the runtime library (engine/src/runtime), and prints the result.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Process, State } from '../oci/runtime-spec';
import { ociRuntimeVersion } from '../oci/runtime-spec';
import { defaultRuntimeRoot, defaultSpec, features, loadSpec, Runtime } from '../runtime';
import { berthVersion } from '../version';
import type { FlagSpec, Parsed } from './runtime/args';
import { all, bool, flag, parseArgs, UsageError } from './runtime/args';
import { bridgeTerminal, terminalSize } from './runtime/tty';
import { updateFlags, updateResources } from './runtime/update';
import { events, eventsFlags } from './runtime/events';

const globalFlags: FlagSpec[] = [
  { name: 'root', value: true },
  { name: 'log', value: true },
  { name: 'log-format', value: true },
  { name: 'debug' },
  { name: 'systemd-cgroup' },
  { name: 'rootless', value: true },
  { name: 'criu', value: true },
  { name: 'help', aliases: ['h'] },
  { name: 'version', aliases: ['v'] },
];

const createFlags: FlagSpec[] = [
  { name: 'bundle', aliases: ['b'], value: true },
  { name: 'console-socket', value: true },
  { name: 'pid-file', value: true },
  { name: 'no-pivot' },
  { name: 'no-new-keyring' },
  { name: 'preserve-fds', value: true },
  { name: 'pidfd-socket', value: true },
];

const usage = `berth-runtime: an OCI runtime (runc-compatible command line)

usage: berth-runtime [global flags] <command> [flags] [args]

commands:
  create <id>        create a container from a bundle (--bundle, --console-socket, --pid-file)
  start <id>         run the user's program in a created container
  run <id>           create and start, then wait (with --detach: do not wait)
  state <id>         print the container's state as JSON
  kill <id> [sig]    send a signal (default TERM) to the container (--all: every process)
  delete <id>        remove a stopped or created container (--force: kill it first)
  exec <id> [cmd]    run a process in a running container (--process, --tty, --env, --cwd, --user)
  list               list containers (--format table|json, --quiet)
  ps <id>            show the container's processes (--format table|json)
  pause <id>         freeze every process of the container
  resume <id>        thaw a paused container
  events <id>        stats and OOM events as JSON lines (--interval 5s; --stats: once)
  update <id>        change a container's limits (--resources file|-, --memory, --cpu-quota, --pids-limit…)
  spec               write a default config.json (--bundle, --rootless)
  features           print what this runtime supports, as JSON

global flags:
  --root <dir>       state directory (default ${defaultRuntimeRoot()})
  --log <file>       also write errors and debug messages to this file
  --log-format <f>   text (default) or json
  --debug            log debug messages
`;

interface Globals {
  root: string;
  log?: string;
  json: boolean;
  debug: boolean;
}

let globals: Globals = { root: defaultRuntimeRoot(), json: false, debug: false };

function log(level: 'debug' | 'warning' | 'error', msg: string): void {
  if (level === 'debug' && !globals.debug) return;
  if (globals.log) {
    const line = globals.json
      ? JSON.stringify({ level, msg, time: new Date().toISOString() })
      : `time="${new Date().toISOString()}" level=${level} msg=${JSON.stringify(msg)}`;
    try {
      appendFileSync(globals.log, line + '\n');
    } catch {
      // the log is best effort; stderr still gets errors
    }
  }
  if (level !== 'debug' || !globals.log)
    process.stderr.write(`berth-runtime: ${level === 'error' ? '' : `${level}: `}${msg}\n`);
}

function runtime(): Runtime {
  return new Runtime({
    root: globals.root,
    log: { debug: (m) => log('debug', m), warn: (m) => log('warning', m) },
    zygote: false,
  });
}

function oneId(p: Parsed, command: string): string {
  if (p.positional.length !== 1)
    throw new UsageError(`${command} needs exactly one container id (got ${p.positional.length})`);
  return p.positional[0];
}

/** --preserve-fds N: our fds 3..3+N-1 go to the container at the same numbers. */
function preserved(p: Parsed): number[] {
  const n = Number(flag(p, 'preserve-fds') ?? 0);
  if (!Number.isInteger(n) || n < 0) throw new UsageError('--preserve-fds takes a number of fds');
  return Array.from({ length: n }, (_, i) => 3 + i);
}

function refuseUnsupported(p: Parsed): void {
  if (flag(p, 'pidfd-socket')) throw new UsageError('--pidfd-socket is not supported by berth-runtime yet');
}

function bundleOf(p: Parsed): string {
  return resolve(flag(p, 'bundle') ?? '.');
}

async function create(argv: string[]): Promise<number> {
  const p = parseArgs(argv, createFlags, 'create');
  refuseUnsupported(p);
  await runtime().create(oneId(p, 'create'), {
    bundle: bundleOf(p),
    consoleSocket: flag(p, 'console-socket'),
    pidFile: flag(p, 'pid-file'),
    preserveFds: preserved(p),
    noPivot: bool(p, 'no-pivot'),
    stdio: ['inherit', 'inherit', 'inherit'],
    detach: true,
  });
  return 0;
}

async function start(argv: string[]): Promise<number> {
  await runtime().start(oneId(parseArgs(argv, [], 'start'), 'start'));
  return 0;
}

async function run(argv: string[]): Promise<number> {
  const p = parseArgs(argv, [...createFlags, { name: 'detach', aliases: ['d'] }, { name: 'keep' }], 'run');
  refuseUnsupported(p);
  const id = oneId(p, 'run');
  const rt = runtime();
  const bundle = bundleOf(p);
  const spec = loadSpec(bundle);
  const detach = bool(p, 'detach');
  const consoleSocket = flag(p, 'console-socket');
  if (spec.process?.terminal && !consoleSocket) {
    if (detach)
      throw new UsageError(
        'run --detach with process.terminal needs --console-socket (nobody would hold the terminal)',
      );
    spec.process.consoleSize ??= terminalSize();
  }
  const c = await rt.create(id, {
    bundle,
    spec,
    consoleSocket,
    pidFile: flag(p, 'pid-file'),
    preserveFds: preserved(p),
    noPivot: bool(p, 'no-pivot'),
    stdio: ['inherit', 'inherit', 'inherit'],
    detach,
  });
  const terminal = c.consoleFd !== undefined ? bridgeTerminal(c.consoleFd) : undefined;
  await rt.start(id);
  if (detach) return 0;
  const status = await c.exited!;
  await terminal?.done;
  if (!bool(p, 'keep')) await rt.delete(id, { force: true });
  return status.exitCode;
}

function state(argv: string[]): number {
  const s = runtime().state(oneId(parseArgs(argv, [], 'state'), 'state'));
  process.stdout.write(JSON.stringify(s, null, '  ') + '\n');
  return 0;
}

function kill(argv: string[]): number {
  const p = parseArgs(argv, [{ name: 'all', aliases: ['a'] }], 'kill');
  if (p.positional.length < 1 || p.positional.length > 2)
    throw new UsageError('kill needs a container id and optionally a signal');
  runtime().kill(p.positional[0], p.positional[1] ?? 'SIGTERM', { all: bool(p, 'all') });
  return 0;
}

async function del(argv: string[]): Promise<number> {
  const p = parseArgs(argv, [{ name: 'force', aliases: ['f'] }], 'delete');
  await runtime().delete(oneId(p, 'delete'), { force: bool(p, 'force') });
  return 0;
}

const execFlags: FlagSpec[] = [
  { name: 'console-socket', value: true },
  { name: 'cwd', value: true },
  { name: 'env', aliases: ['e'], value: true, repeat: true },
  { name: 'tty', aliases: ['t'] },
  { name: 'user', aliases: ['u'], value: true },
  { name: 'additional-gids', aliases: ['g'], value: true, repeat: true },
  { name: 'process', aliases: ['p'], value: true },
  { name: 'detach', aliases: ['d'] },
  { name: 'pid-file', value: true },
  { name: 'process-label', value: true },
  { name: 'apparmor', value: true },
  { name: 'no-new-privs' },
  { name: 'cap', aliases: ['c'], value: true, repeat: true },
  { name: 'preserve-fds', value: true },
  { name: 'cgroup', value: true, repeat: true },
  { name: 'ignore-paused' },
  { name: 'pidfd-socket', value: true },
];

/** The exec'd process: --process file, or the container's own process with the flags applied. */
function execProcess(p: Parsed, base: Process): Process {
  const file = flag(p, 'process');
  if (file) return JSON.parse(readFileSync(file, 'utf8')) as Process;
  const args = p.positional.slice(1);
  if (args.length === 0) throw new UsageError('exec needs a command to run, or --process <process.json>');
  const proc: Process = { ...base, args, terminal: bool(p, 'tty') };
  if (flag(p, 'cwd')) proc.cwd = flag(p, 'cwd')!;
  proc.env = [...(base.env ?? []), ...all(p, 'env')];
  const user = flag(p, 'user');
  if (user) {
    const [uid, gid] = user.split(':').map(Number);
    if (!Number.isInteger(uid) || (gid !== undefined && !Number.isInteger(gid)))
      throw new UsageError(`--user "${user}" must be uid[:gid]`);
    proc.user = { ...proc.user, uid, gid: gid ?? proc.user.gid };
  }
  const gids = all(p, 'additional-gids').map(Number);
  if (gids.length) proc.user = { ...proc.user, additionalGids: gids };
  if (bool(p, 'no-new-privs')) proc.noNewPrivileges = true;
  const caps = all(p, 'cap');
  if (caps.length) {
    const add = (list: string[] | undefined) => [...new Set([...(list ?? []), ...caps])];
    const c = proc.capabilities ?? {};
    proc.capabilities = {
      ...c,
      bounding: add(c.bounding),
      effective: add(c.effective),
      permitted: add(c.permitted),
    };
  }
  return proc;
}

async function exec(argv: string[]): Promise<number> {
  const p = parseArgs(argv, execFlags, 'exec');
  refuseUnsupported(p);
  if (flag(p, 'apparmor') || flag(p, 'process-label'))
    log('warning', '--apparmor and --process-label are ignored: no LSM support yet');
  if (all(p, 'cgroup').length)
    throw new UsageError('exec --cgroup (a sub-cgroup) is not supported by berth-runtime yet');
  const id = p.positional[0];
  if (!id) throw new UsageError('exec needs a container id');
  const rt = runtime();
  const base = loadSpecOf(rt, id);
  const proc = execProcess(p, base);
  const consoleSocket = flag(p, 'console-socket');
  const detach = bool(p, 'detach');
  if (proc.terminal && !consoleSocket) {
    if (detach) throw new UsageError('exec --detach with a terminal needs --console-socket');
    proc.consoleSize ??= terminalSize();
  }
  const h = await rt.exec(id, proc, {
    consoleSocket,
    pidFile: flag(p, 'pid-file'),
    preserveFds: preserved(p),
    detach,
    stdio: ['inherit', 'inherit', 'inherit'],
  });
  if (detach) return 0;
  const terminal = h.consoleFd !== undefined ? bridgeTerminal(h.consoleFd) : undefined;
  const status = await h.exited!;
  await terminal?.done;
  return status.exitCode;
}

function loadSpecOf(rt: Runtime, id: string): Process {
  const s = rt.state(id);
  const spec = loadSpec(s.bundle);
  return spec.process!;
}

function list(argv: string[]): number {
  const p = parseArgs(
    argv,
    [
      { name: 'format', aliases: ['f'], value: true },
      { name: 'quiet', aliases: ['q'] },
    ],
    'list',
  );
  const states = runtime().list();
  if (bool(p, 'quiet')) {
    for (const s of states) process.stdout.write(`${s.id}\n`);
  } else if (flag(p, 'format') === 'json') {
    process.stdout.write(JSON.stringify(states) + '\n');
  } else {
    const rows = [
      ['ID', 'PID', 'STATUS', 'BUNDLE', 'CREATED', 'OWNER'],
      ...states.map((s: State) => [
        s.id,
        String(s.pid ?? 0),
        s.status,
        s.bundle,
        s.created ?? '',
        s.owner ?? '',
      ]),
    ];
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    for (const r of rows)
      process.stdout.write(
        r
          .map((c, i) => c.padEnd(widths[i]))
          .join('   ')
          .trimEnd() + '\n',
      );
  }
  return 0;
}

function ps(argv: string[]): number {
  const p = parseArgs(argv, [{ name: 'format', aliases: ['f'], value: true }], 'ps');
  const [id, ...psArgs] = p.positional;
  if (!id) throw new UsageError('ps needs a container id');
  const pids = runtime().ps(id);
  if (flag(p, 'format') === 'json') {
    process.stdout.write(JSON.stringify(pids) + '\n');
    return 0;
  }
  // As runc: run ps(1) with the given options (default -ef) and keep the container's lines.
  const out = execFileSync('ps', psArgs.length ? psArgs : ['-ef'], { encoding: 'utf8' }).split('\n');
  const header = out[0];
  const pidColumn = header.trim().split(/\s+/).indexOf('PID');
  if (pidColumn < 0) throw new Error('ps: its output has no PID column; pass options that show one');
  const wanted = new Set(pids.map(String));
  process.stdout.write(header + '\n');
  for (const line of out.slice(1))
    if (wanted.has(line.trim().split(/\s+/)[pidColumn])) process.stdout.write(line + '\n');
  return 0;
}

function spec(argv: string[]): number {
  const p = parseArgs(argv, [{ name: 'bundle', aliases: ['b'], value: true }, { name: 'rootless' }], 'spec');
  const dir = bundleOf(p);
  const path = join(dir, 'config.json');
  mkdirSync(dir, { recursive: true });
  const rootless = bool(p, 'rootless') ? { uid: process.getuid!(), gid: process.getgid!() } : undefined;
  try {
    writeFileSync(path, JSON.stringify(defaultSpec({ rootless }), null, '\t') + '\n', { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      throw new Error(`${path} already exists: remove it first`);
    throw err;
  }
  return 0;
}

const commands: Record<string, (argv: string[]) => number | Promise<number>> = {
  create,
  start,
  run,
  state,
  kill,
  delete: del,
  exec,
  list,
  ps,
  spec,
  features: () => {
    process.stdout.write(JSON.stringify(features(), null, '    ') + '\n');
    return 0;
  },
  pause: (argv) => {
    runtime().pause(oneId(parseArgs(argv, [], 'pause'), 'pause'));
    return 0;
  },
  resume: (argv) => {
    runtime().resume(oneId(parseArgs(argv, [], 'resume'), 'resume'));
    return 0;
  },
  events: (argv) =>
    events(runtime(), parseArgs(argv, eventsFlags, 'events'), (line) => process.stdout.write(line + '\n')),
  update: (argv) => {
    const p = parseArgs(argv, updateFlags, 'update');
    const read = (file: string) => readFileSync(file === '-' ? 0 : file, 'utf8');
    runtime().update(oneId(p, 'update'), updateResources(p, read));
    return 0;
  },
};

const unsupported: Record<string, string> = {
  checkpoint: 'checkpoint/restore (CRIU) is not supported by berth-runtime',
  restore: 'checkpoint/restore (CRIU) is not supported by berth-runtime',
};

export async function main(argv: string[]): Promise<number> {
  const g = parseArgs(argv, globalFlags, 'berth-runtime');
  globals = {
    root: resolve(flag(g, 'root') ?? defaultRuntimeRoot()),
    log: flag(g, 'log'),
    json: flag(g, 'log-format') === 'json',
    debug: bool(g, 'debug'),
  };
  const format = flag(g, 'log-format');
  if (format && format !== 'json' && format !== 'text')
    throw new UsageError(`--log-format must be text or json, not "${format}"`);
  if (bool(g, 'version')) {
    process.stdout.write(`berth-runtime version ${berthVersion}\nspec: ${ociRuntimeVersion}\n`);
    return 0;
  }
  const [command, ...rest] = g.positional;
  if (!command || bool(g, 'help') || command === 'help' || rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(usage);
    return command || bool(g, 'help') ? 0 : 1;
  }
  if (bool(g, 'systemd-cgroup')) {
    throw new UsageError(
      '--systemd-cgroup is not supported: berth-runtime manages cgroups through cgroupfs; configure your engine for cgroupfs (podman: cgroup_manager = "cgroupfs")',
    );
  }
  if (unsupported[command]) throw new UsageError(unsupported[command]);
  const fn = commands[command];
  if (!fn) throw new UsageError(`unknown command "${command}" (see \`berth-runtime --help\`)`);
  log('debug', `${command} ${rest.join(' ')}`);
  return fn(rest);
}

/** Runs the command line and exits with its status (bin/berth-runtime calls this). */
export function cli(): void {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: Error) => {
      log('error', err.message);
      process.exit(err instanceof UsageError ? 2 : 1);
    },
  );
}
