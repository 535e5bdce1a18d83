// Which engine the extension talks to, from the `berth.engine.socket` setting: empty means the
// bundled berthd at its default socket; anything else is a Docker-API socket (Docker, Podman, berthd).
import { homedir } from 'node:os';
import * as path from 'node:path';

export interface EngineTarget {
  /** `bundled`: Berth's own berthd, which the extension may start and stop. */
  readonly kind: 'bundled' | 'socket';
  /** Absolute path of the Unix socket serving the Docker Engine API. */
  readonly socketPath: string;
}

/** berthd's default socket: the same rule as its own config (root: /run/berth, rootless: XDG_RUNTIME_DIR). */
export function bundledSocketPath(env: NodeJS.ProcessEnv, uid: number): string {
  if (uid === 0) return '/run/berth/berth.sock';
  const runtimeBase = env.XDG_RUNTIME_DIR || `/tmp/berth-run-${uid}`;
  return path.join(runtimeBase, 'berth', 'berth.sock');
}

/**
 * Reads the setting: '' (bundled), `/path/to.sock`, `unix:///path/to.sock` or `~/path`. Throws with a
 * message that says what to write instead when the value names something other than a Unix socket.
 */
export function resolveEngineTarget(setting: string, env: NodeJS.ProcessEnv, uid: number): EngineTarget {
  const value = setting.trim();
  if (value === '') return { kind: 'bundled', socketPath: bundledSocketPath(env, uid) };
  let socketPath = value.startsWith('unix://') ? value.slice('unix://'.length) : value;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(socketPath)) {
    throw new Error(
      `berth.engine.socket is "${value}", which is not a Unix socket: Berth talks to engines over ` +
        'Unix sockets only; set it to a socket path such as /var/run/docker.sock, or empty for the bundled engine',
    );
  }
  if (socketPath === '~' || socketPath.startsWith('~/')) {
    socketPath = path.join(env.HOME || homedir(), socketPath.slice(1));
  }
  if (!path.isAbsolute(socketPath)) {
    throw new Error(
      `berth.engine.socket is "${value}", a relative path: write the socket's absolute path ` +
        '(for example /var/run/docker.sock), or leave it empty for the bundled engine',
    );
  }
  return { kind: 'socket', socketPath: path.normalize(socketPath) };
}

/** Well-known places other engines listen on, for the "Connect to a socket" picker. */
export function knownSockets(env: NodeJS.ProcessEnv, uid: number): { label: string; socketPath: string }[] {
  const runtime = env.XDG_RUNTIME_DIR || `/run/user/${uid}`;
  return [
    { label: 'Docker', socketPath: '/var/run/docker.sock' },
    { label: 'Docker (rootless)', socketPath: path.join(runtime, 'docker.sock') },
    { label: 'Podman', socketPath: '/run/podman/podman.sock' },
    { label: 'Podman (rootless)', socketPath: path.join(runtime, 'podman', 'podman.sock') },
    { label: 'Berth (bundled engine)', socketPath: bundledSocketPath(env, uid) },
  ];
}
