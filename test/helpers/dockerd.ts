// A private dockerd (Debian's docker.io) for reference builds and benchmarks: its own socket,
// data-root and exec-root in a temp dir, no iptables or bridge (RUN steps use --network host), the
// busybox test image loaded into it with `docker load`. Stopped by PID.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBusyboxLayout } from './busybox-image';

export const dockerdBinary = '/usr/sbin/dockerd';
/** Debian's docker 20.10 client: it has BuildKit built in (DOCKER_BUILDKIT=1), no buildx needed. */
export const dockerClient = '/usr/bin/docker';

export function haveDockerd(): boolean {
  return existsSync(dockerdBinary) && existsSync(dockerClient);
}

export class PrivateDockerd {
  readonly dir = mkdtempSync(join(tmpdir(), 'berth-dockerd-'));
  readonly socket = join(this.dir, 'docker.sock');
  private child: ChildProcess | undefined;

  /** Starts dockerd and waits (up to `deadlineMs`) until it answers. */
  async start(deadlineMs = 60_000): Promise<void> {
    const args = [
      '-H',
      `unix://${this.socket}`,
      '--data-root',
      join(this.dir, 'data'),
      '--exec-root',
      join(this.dir, 'exec'),
      '--pidfile',
      join(this.dir, 'dockerd.pid'),
      '--iptables=false',
      '--ip6tables=false',
      '--bridge=none',
      '--containerd-namespace',
      `berth-${process.pid}`,
      '--containerd-plugins-namespace',
      `berth-${process.pid}-plugins`,
    ];
    this.child = spawn(dockerdBinary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    this.child.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
    const deadline = Date.now() + deadlineMs;
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`dockerd exited (${this.child.exitCode}): ${log}`);
      try {
        this.docker(['version', '--format', '{{.Server.Version}}'], { quiet: true });
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`dockerd did not answer within ${deadlineMs} ms: ${log}`);
        await new Promise<void>((resolve) => {
          // Wait for dockerd to say something (or a short tick): no fixed sleep on the happy path.
          const done = () => {
            clearTimeout(timer);
            this.child?.stderr?.off('data', done);
            resolve();
          };
          const timer = setTimeout(done, 100);
          this.child?.stderr?.once('data', done);
        });
      }
    }
  }

  /** Runs the docker client against this daemon. */
  docker(
    args: string[],
    options: { input?: Buffer; quiet?: boolean; env?: Record<string, string> } = {},
  ): string {
    return execFileSync(dockerClient, args, {
      env: { ...process.env, DOCKER_HOST: `unix://${this.socket}`, DOCKER_BUILDKIT: '1', ...options.env },
      input: options.input,
      maxBuffer: 1 << 28,
      timeout: 300_000,
      stdio: ['pipe', 'pipe', options.quiet ? 'pipe' : 'pipe'],
    }).toString();
  }

  /** Loads the busybox test image as busybox:latest. */
  loadBusybox(): void {
    const layout = join(this.dir, 'busybox-layout');
    makeBusyboxLayout(layout);
    const archive = join(this.dir, 'busybox.tar');
    execFileSync('skopeo', [
      'copy',
      '--quiet',
      `oci:${layout}:latest`,
      `docker-archive:${archive}:busybox:latest`,
    ]);
    this.docker(['load', '-i', archive]);
  }

  /** The image config exactly as the daemon stored it. */
  rawConfig(image: string): Record<string, unknown> {
    const id = this.docker(['image', 'inspect', '--format', '{{.Id}}', image]).trim();
    const path = join(
      this.dir,
      'data',
      'image',
      'overlay2',
      'imagedb',
      'content',
      'sha256',
      id.replace(/^sha256:/, ''),
    );
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
    // Containers of a private containerd may hold mounts under the data root; unmount first.
    try {
      execFileSync('sh', [
        '-c',
        `grep -o ' ${this.dir}[^ ]*' /proc/mounts | sort -r | xargs -r -n1 umount -l`,
      ]);
    } catch {
      // Nothing mounted.
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
