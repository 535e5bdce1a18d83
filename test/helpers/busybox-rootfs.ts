// The test image: a root filesystem made from Debian's busybox-static (Docker Hub is not reachable
// here, and tests must stand on their own). Used by the engine suites and the benchmarks.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const hostBusybox = '/bin/busybox';

/** True when busybox-static is installed (the package `.ci/setup` installs). */
export function haveBusybox(): boolean {
  return existsSync(hostBusybox);
}

/**
 * Fills `dir` with a minimal busybox root filesystem: /bin/busybox, one symlink per applet
 * (as `busybox --install -s` would make), /etc/passwd and /etc/group, and the usual empty dirs.
 */
export function makeBusyboxRootfs(dir: string): void {
  for (const d of [
    'bin',
    'sbin',
    'usr/bin',
    'usr/sbin',
    'etc',
    'proc',
    'sys',
    'dev',
    'tmp',
    'root',
    'var/tmp',
  ]) {
    mkdirSync(join(dir, d), { recursive: true });
  }
  chmodSync(join(dir, 'tmp'), 0o1777);
  chmodSync(join(dir, 'var/tmp'), 0o1777);
  copyFileSync(hostBusybox, join(dir, 'bin/busybox'));
  chmodSync(join(dir, 'bin/busybox'), 0o755);
  // `busybox --list-full` prints each applet's install path (bin/sh, usr/bin/env, …).
  const applets = execFileSync(hostBusybox, ['--list-full'], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
  for (const applet of applets) {
    const target = join(dir, applet);
    if (existsSync(target) || applet === 'bin/busybox') continue;
    mkdirSync(join(target, '..'), { recursive: true });
    symlinkSync('/bin/busybox', target);
  }
  writeFileSync(
    join(dir, 'etc/passwd'),
    'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n',
  );
  writeFileSync(join(dir, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
}
