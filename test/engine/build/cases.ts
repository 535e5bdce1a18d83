// The builder's reference suite: Dockerfiles under test/fixtures/build/<name>, how to build them,
// and a probe (a shell script run inside the built image) whose output must be what it is in the
// image BuildKit builds from the same Dockerfile. capture-reference.ts records BuildKit's config
// and probe output into test/fixtures/build/<name>/expected/; suite.test.ts builds each case with
// Berth and compares.

export interface BuildCase {
  name: string;
  /** Dockerfile path relative to the case dir (default `Dockerfile`). */
  dockerfile?: string;
  buildArgs?: Record<string, string>;
  /** Secrets: id → file content. */
  secrets?: Record<string, string>;
  target?: string;
  /** Images to build first: [dockerfile, tag]. */
  before?: Array<[string, string]>;
  /** Shell script run with `sh -c` in the result; its stdout is compared. */
  probe: string;
  /** BuildKit here (docker 20.10, BuildKit 0.8) can build it: a reference config exists. */
  reference: boolean;
}

export const buildCases: BuildCase[] = [
  {
    name: 'config-all',
    probe: 'cat /app/a.txt /app/v.txt; stat -c "%U %a" /app',
    reference: true,
  },
  {
    name: 'multistage',
    probe: 'cat /all.txt',
    reference: true,
  },
  {
    name: 'mounts',
    secrets: { tok: 's3cret\n' },
    probe:
      'cat /count /secret-len /secret-mode /tmpfs-seen /bound /bind-mode /from-stage /rw-listing; ls /run/secrets/tok /t.txt /scratch/x /rw/new 2>&1 | sort',
    reference: true,
  },
  {
    name: 'ownership',
    probe: 'stat -c "%n %u:%g %a" /own/a.txt /own/b.txt /own/c.txt /own/dir /own/dir/f /wd /wd/sub; cat /uid',
    reference: true,
  },
  {
    name: 'deletions',
    probe: 'ls -A /d /o; ls /bin/vi 2>&1 || true; cat /etc/group 2>&1 || echo no-group',
    reference: true,
  },
  {
    name: 'onbuild',
    before: [['base.Dockerfile', 'onbuild-base']],
    probe: 'cat /both',
    reference: true,
  },
  {
    name: 'shell',
    probe: 'cat /first-shell /second-shell',
    reference: true,
  },
  {
    name: 'args',
    buildArgs: { OVERRIDDEN: 'given' },
    probe: 'cat /first.txt /second.txt',
    reference: true,
  },
  {
    name: 'dockerignore',
    probe: 'cat /listing',
    reference: true,
  },
  {
    name: 'dockerignore-alt',
    dockerfile: 'alt.Dockerfile',
    probe: 'cat /listing',
    reference: true,
  },
  {
    name: 'add',
    probe: 'cat /listing /plain.txt /unpacked/sub/file.txt',
    reference: true,
  },
  {
    name: 'wildcards',
    probe: 'find /app /docs /never /single /never-add /from-image /last-wins 2>&1 | sort; cat /last-wins',
    reference: true,
  },
  {
    name: 'heredocs',
    probe: 'cat /greeting /script-out /cat-out /copied.txt /literal.txt',
    reference: false,
  },
  {
    name: 'modern',
    secrets: { tok: 'twelve chars' },
    probe:
      'find /linked /kept /pivot /filtered /tool -type f | sort; cat /env-secret-len; cmp /from-image-busybox /bin/busybox && echo same-busybox',
    reference: false,
  },
];

/** The fixture directory of a case (two cases may share one). */
export function caseDir(c: BuildCase): string {
  return c.name === 'dockerignore-alt' ? 'dockerignore' : c.name;
}

/**
 * A config with what differs between any two builds taken out: creation times (top level and in
 * history) and layer digests (their count stays). Key order is kept: it is compared too.
 */
export function normalizeConfig(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if (k === 'created') continue;
    if (k === 'history') {
      out.history = (v as Array<Record<string, unknown>>).map((h) => {
        const { created: _created, ...rest } = h;
        return rest;
      });
    } else if (k === 'rootfs') {
      const r = v as { type: string; diff_ids: string[] };
      out.rootfs = { type: r.type, layers: r.diff_ids.length };
    } else {
      out[k] = v;
    }
  }
  return out;
}
