// Lifecycle hooks run in the runtime's namespaces (prestart, createRuntime, poststart, poststop):
// each gets the container's state as JSON on stdin and must finish within its timeout.
import { spawn } from 'node:child_process';
import type { Hook, State } from '../oci/runtime-spec';

export type HookPhase =
  'prestart' | 'createRuntime' | 'createContainer' | 'startContainer' | 'poststart' | 'poststop';

export class HookError extends Error {
  constructor(phase: HookPhase, hook: Hook, what: string) {
    super(`${phase} hook ${hook.path} ${what}`);
    this.name = 'HookError';
  }
}

export function checkHook(phase: HookPhase, hook: Hook): void {
  if (!hook.path?.startsWith('/')) throw new Error(`hooks.${phase}: path "${hook.path}" must be absolute`);
  if (hook.timeout !== undefined && !(hook.timeout > 0)) {
    throw new Error(`hooks.${phase}: timeout of ${hook.path} must be a positive number of seconds`);
  }
}

export function runHook(phase: HookPhase, hook: Hook, state: State): Promise<void> {
  return new Promise((resolve, reject) => {
    const [argv0, ...args] = hook.args?.length ? hook.args : [hook.path];
    const child = spawn(hook.path, args, {
      argv0,
      env: Object.fromEntries((hook.env ?? []).map(splitEnv)),
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      if (stderr.length < 4096) stderr += d.toString();
    });
    const timer = hook.timeout
      ? setTimeout(() => {
          child.kill('SIGKILL');
          reject(new HookError(phase, hook, `did not finish within ${hook.timeout} s`));
        }, hook.timeout * 1000)
      : undefined;
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new HookError(phase, hook, `could not run: ${err.message}`));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else
        reject(
          new HookError(
            phase,
            hook,
            `failed (${signal ?? `exit code ${code}`})${stderr ? `: ${stderr.trim()}` : ''}`,
          ),
        );
    });
    child.stdin!.on('error', () => {
      /* a hook that ignores its stdin may close it early */
    });
    child.stdin!.end(JSON.stringify(state));
  });
}

function splitEnv(entry: string): [string, string] {
  const eq = entry.indexOf('=');
  return eq < 0 ? [entry, ''] : [entry.slice(0, eq), entry.slice(eq + 1)];
}

/** Runs the hooks of a phase in order; the first failure stops them. */
export async function runHooks(phase: HookPhase, hooks: Hook[] | undefined, state: State): Promise<void> {
  for (const hook of hooks ?? []) await runHook(phase, hook, state);
}
