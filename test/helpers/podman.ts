// Podman and skopeo configured inside a temp dir (storage, registries, containers.conf with the
// settings this host needs — see /work/shared/tools/peers-setup.sh), never the user's own config.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function havePodman(): boolean {
  return existsSync('/usr/bin/podman') && process.getuid?.() === 0;
}

export interface Podman {
  dir: string;
  env: NodeJS.ProcessEnv;
  run(args: string[], input?: Buffer): string;
  cleanup(): void;
}

export function makePodman(insecureRegistries: string[] = []): Podman {
  const dir = mkdtempSync(join(tmpdir(), 'berth-podman-'));
  mkdirSync(join(dir, 'conf'));
  writeFileSync(
    join(dir, 'conf/containers.conf'),
    // No CAP_SYS_RESOURCE here: podman's default rlimits fail; crun refuses the hybrid cgroup host.
    '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n',
  );
  writeFileSync(
    join(dir, 'conf/storage.conf'),
    `[storage]\ndriver = "overlay"\ngraphroot = "${dir}/storage/root"\nrunroot = "${dir}/storage/run"\n`,
  );
  writeFileSync(
    join(dir, 'conf/registries.conf'),
    'unqualified-search-registries = []\n' +
      insecureRegistries.map((r) => `[[registry]]\nlocation = "${r}"\ninsecure = true\n`).join(''),
  );
  writeFileSync(join(dir, 'auth.json'), '{}');
  const env = {
    ...process.env,
    CONTAINERS_CONF: join(dir, 'conf/containers.conf'),
    CONTAINERS_STORAGE_CONF: join(dir, 'conf/storage.conf'),
    CONTAINERS_REGISTRIES_CONF: join(dir, 'conf/registries.conf'),
    REGISTRY_AUTH_FILE: join(dir, 'auth.json'),
  };
  return {
    dir,
    env,
    run: (args, input) =>
      execFileSync('podman', args, { env, input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] }),
    cleanup() {
      try {
        execFileSync('podman', ['rmi', '-a', '-f'], { env, stdio: 'ignore' });
        // Unmount what podman's overlay driver left mounted before removing its storage.
        execFileSync('podman', ['system', 'reset', '-f'], { env, stdio: 'ignore' });
      } catch {
        // best effort: the directory removal below reports what is left
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
