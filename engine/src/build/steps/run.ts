// RUN: the command (shell or exec form, heredocs as BuildKit turns them into a command), its
// environment (the stage's variables, proxy build args, `env=` secrets), its mounts, and its
// network; run in a container over the parent's snapshots; the overlay upper dir is the layer.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chompHeredocContent, type CommandOf, parseHeredocWord } from '../../dockerfile';
import { BuildError } from '../errors';
import type { StepMount, StepNetwork, StepSandbox } from '../executor';

/** The network a RUN step gets: as asked, `default` being the daemon's bridge when it has one. */
type StepMode = 'none' | 'host' | 'bridge';
import { mountsKey, prepareMounts, type MountServices } from '../run-mounts';
import { mkdirAllInRoot } from '../rootfs-paths';
import type { StepEnv } from '../services';
import type { StageState } from '../stage-state';
import { resolveUser } from '../users';
import { proxyArgs, withShell } from './metadata';

const hostname = 'buildkitsandbox';
/** Lines of output kept to show when a step fails. */
const tailLines = 12;

interface RunArgs {
  args: string[];
  /** A heredoc script run as a file (`#!` first line): written here and mounted at /dev/pipes. */
  script?: { name: string; data: string };
}

/** BuildKit's transformation of the command line (and heredocs) into the process arguments. */
export function runArgs(state: StageState, command: CommandOf<'RUN'>): RunArgs {
  const cmdLine = [...command.cmdLine];
  const files = command.files;
  if (files.length === 0) return { args: command.prependShell ? withShell(state, cmdLine) : cmdLine };
  const marker = parseHeredocWord(cmdLine[0] ?? '');
  const data = (i: number) => (files[i].chomp ? chompHeredocContent(files[i].data) : files[i].data);
  if (marker && !('error' in marker) && cmdLine.length === 1) {
    const body = data(0);
    if (body.startsWith('#!'))
      return { args: [`/dev/pipes/${files[0].name}`], script: { name: files[0].name, data: body } };
    return { args: withShell(state, [body]) };
  }
  let full = cmdLine[0] ?? '';
  for (const file of files) full += `\n${file.data}${file.name}`;
  return { args: withShell(state, [full]) };
}

/** `RUN |2 A=1 B=2 /bin/sh -c make`: declared ARGs (values as the step sees them), then the args. */
export function runHistory(args: readonly string[], state: StageState): string {
  const declared = state.args.map((a) => `${a.key}=${state.env.get(a.key) ?? a.value ?? ''}`);
  const prefix = declared.length > 0 ? [`|${declared.length}`, ...declared] : [];
  return `RUN ${[...prefix, ...args].join(' ')} # buildkit`;
}

export async function dispatchRun(
  env: StepEnv,
  command: CommandOf<'RUN'>,
  mountServices: MountServices,
): Promise<void> {
  const { state, services } = env;
  const { args, script } = runArgs(state, command);
  // Mount values arrive expanded and checked (expandInstruction).
  const mounts = [...command.mounts];
  const requested = command.network === 'default' ? (services.request.network ?? 'default') : command.network;
  // The default network is berthd's default bridge, as with Docker; a build without the daemon
  // (or without bridge networking) uses the host's, as BuildKit does without CNI.
  const mode: StepMode =
    requested === 'none' ? 'none' : requested === 'default' && services.bridge ? 'bridge' : 'host';
  const proxies = Object.entries(services.request.buildArgs ?? {}).filter(
    ([k]) => proxyArgs.has(k) && !state.env.has(k),
  );
  for (const [k] of proxies) services.args.consumed.add(k);
  const processEnv = [...state.envList(), ...proxies.map(([k, v]) => `${k}=${v}`)];
  const workdir = state.workdir;
  const description = {
    op: 'run',
    args,
    script: script?.data,
    env: processEnv,
    cwd: workdir,
    user: state.user,
    network: mode,
    mounts: await mountsKey(mounts, mountServices, workdir),
  };
  const text = env.instruction.line.replace(/^\s*\S+\s*/, '');
  const summary = command.files.length > 0 ? ` (${summarizeHeredoc(command.files[0].data)})` : '';
  await env.layerStep({
    display: `RUN ${state.displayExpand(text)}${summary}`,
    description,
    history: runHistory(args, state),
    execute: async (rootfs, progress) => {
      const executor = services.executor;
      if (!executor) {
        throw new BuildError('this build has a RUN step, but no container runtime is available to run it', {
          location: env.location,
        });
      }
      const prepared = await prepareMounts(mounts, mountServices, workdir);
      const extra: string[] = [];
      const id = `berth-build-${randomBytes(6).toString('hex')}`;
      let sandbox: StepSandbox | undefined;
      try {
        if (mode === 'bridge') sandbox = await services.bridge!(id);
        const network: StepNetwork = sandbox ? { netns: sandbox.netns } : mode === 'none' ? 'none' : 'host';
        const stepMounts: StepMount[] = [...prepared.mounts];
        if (script) {
          const dir = fs.mkdtempSync(join(tmpdir(), 'berth-heredoc-'));
          extra.push(dir);
          fs.writeFileSync(join(dir, script.name), script.data, { mode: 0o755 });
          stepMounts.push({ type: 'bind', source: dir, destination: '/dev/pipes', readOnly: true });
        }
        const etc = etcFiles(mode, sandbox?.resolvConf);
        extra.push(etc.dir);
        stepMounts.push(
          { type: 'bind', source: etc.hosts, destination: '/etc/hosts', readOnly: true },
          { type: 'bind', source: etc.resolvConf, destination: '/etc/resolv.conf', readOnly: true },
        );
        for (const dir of ['/proc', '/dev', '/sys']) rootfs.stub(dir, 'dir');
        for (const m of stepMounts) {
          if (m.destination.startsWith('/dev/')) continue;
          rootfs.stub(m.destination, m.type === 'bind' && fs.statSync(m.source).isFile() ? 'file' : 'dir');
        }
        const user = resolveUser(rootfs.merged, state.user);
        // The working directory is created when missing, as BuildKit does.
        mkdirAllInRoot(rootfs.merged, workdir, 0o755, { uid: 0, gid: 0 });
        const tail: string[] = [];
        let partial = '';
        const exit = await startOrExplain(args, env.location, () =>
          executor.run({
            id,
            rootfs: rootfs.merged,
            args,
            env: [...processEnv, ...prepared.env],
            cwd: workdir,
            user,
            hostname,
            mounts: stepMounts,
            network,
            signal: services.signal,
            output(stream, chunk) {
              const data = chunk.toString('utf8');
              progress.output(stream, data);
              const lines = (partial + data).split('\n');
              partial = lines.pop() ?? '';
              tail.push(...lines);
              if (tail.length > tailLines) tail.splice(0, tail.length - tailLines);
            },
          }),
        );
        if (partial) tail.push(partial);
        if (services.signal?.aborted) {
          throw new BuildError('the build was cancelled', { location: env.location });
        }
        if (exit.exitCode !== 0 || exit.signal) {
          const how = exit.signal ? `signal: ${exit.signal}` : `exit code: ${exit.exitCode}`;
          throw new BuildError(`process "${args.join(' ')}" did not complete successfully: ${how}`, {
            location: env.location,
            logTail: tail.slice(-tailLines),
            exitCode: exit.exitCode,
          });
        }
      } finally {
        await sandbox?.release();
        prepared.release();
        for (const dir of extra) fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  });
}

/**
 * Runs the step; when its program cannot be started (missing, or not executable), says so in
 * BuildKit's words for the step and what to check, instead of the runtime's words for its spec.
 */
async function startOrExplain<T>(
  args: string[],
  location: BuildError['details']['location'],
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (err) {
    // berth-runtime reports a failed program lookup as `exec: …` and a failed execve by its call.
    const { code, message, call } = err as { code?: string; message?: string; call?: string };
    const atExec = message?.startsWith('exec: ') || call === 'execve';
    if (!atExec || (code !== 'ENOENT' && code !== 'EACCES')) throw err;
    const program = args[0];
    const reason =
      code === 'EACCES'
        ? 'permission denied: the file is not executable (chmod +x it in an earlier step)'
        : program.includes('/')
          ? 'no such file or directory: check the path, or that an earlier step installs it'
          : 'executable file not found in $PATH: check the name, or add its directory to PATH with ENV';
    throw new BuildError(
      `process "${args.join(' ')}" did not complete successfully: exec: "${program}": ${reason}`,
      { ...(location && { location }) },
    );
  }
}

/** /etc/hosts and /etc/resolv.conf for a step, in a temp dir. */
function etcFiles(
  mode: StepMode,
  bridgeResolvConf?: string,
): { dir: string; hosts: string; resolvConf: string } {
  const dir = fs.mkdtempSync(join(tmpdir(), 'berth-etc-'));
  const hosts = join(dir, 'hosts');
  const resolvConf = join(dir, 'resolv.conf');
  fs.writeFileSync(hosts, `127.0.0.1\tlocalhost ${hostname}\n::1\tlocalhost ip6-localhost ip6-loopback\n`, {
    mode: 0o644,
  });
  let resolv = bridgeResolvConf ?? '';
  if (mode === 'host') {
    try {
      resolv = fs.readFileSync('/etc/resolv.conf', 'utf8');
    } catch {
      // No resolver configured on the host.
    }
  }
  fs.writeFileSync(resolvConf, resolv, { mode: 0o644 });
  return { dir, hosts, resolvConf };
}

/** BuildKit's summary of a heredoc in a step name: its first line, `...` when there is more. */
function summarizeHeredoc(doc: string): string {
  const lines = doc.trim().replace(/\r\n/g, '\n').split('\n');
  return lines.length > 1 ? `${lines[0]}...` : lines[0];
}
