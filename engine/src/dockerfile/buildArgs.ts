// The values BuildKit gives ARGs before the first stage: the platform ARGs of the build, build-arg
// overrides, then the global ARGs evaluated in order. The builder starts every build from these.

import type { Dockerfile, Span } from './model';
import { processShellWord, variablesFrom } from './shell';

/** An OCI platform (`linux/arm64/v8`). */
export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
  readonly osVersion?: string;
}

/** `os/arch[/variant]`, as containerd formats a platform. */
export function formatPlatform(p: Platform): string {
  return p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}

const archByNode: Record<string, { architecture: string; variant?: string }> = {
  x64: { architecture: 'amd64' },
  arm64: { architecture: 'arm64' },
  arm: { architecture: 'arm', variant: 'v7' },
  ia32: { architecture: '386' },
  ppc64: { architecture: 'ppc64le' },
  s390x: { architecture: 's390x' },
  riscv64: { architecture: 'riscv64' },
};

/** The platform of this machine. */
export function hostPlatform(): Platform {
  const arch = archByNode[process.arch] ?? { architecture: process.arch };
  return { os: process.platform === 'win32' ? 'windows' : process.platform, ...arch };
}

export interface BuildArgOptions {
  /** `--build-arg` values. */
  readonly buildArgs?: Readonly<Record<string, string>>;
  /** Defaults to this machine's platform. */
  readonly buildPlatform?: Platform;
  /** Defaults to the build platform. */
  readonly targetPlatform?: Platform;
  /** The stage being built; defaults to the last stage's name, or `default`. */
  readonly target?: string;
}

/** BuildKit's defaultArgs: the predefined platform ARGs (a build-arg of the same name wins). */
export function platformArgs(df: Dockerfile, options: BuildArgOptions = {}): Map<string, string> {
  const bp = options.buildPlatform ?? hostPlatform();
  const tp = options.targetPlatform ?? bp;
  const target = options.target || df.stages[df.stages.length - 1]?.name || 'default';
  const values: Array<[string, string]> = [
    ['BUILDPLATFORM', formatPlatform(bp)],
    ['BUILDOS', bp.os],
    ['BUILDOSVERSION', bp.osVersion ?? ''],
    ['BUILDARCH', bp.architecture],
    ['BUILDVARIANT', bp.variant ?? ''],
    ['TARGETPLATFORM', formatPlatform(tp)],
    ['TARGETOS', tp.os],
    ['TARGETOSVERSION', tp.osVersion ?? ''],
    ['TARGETARCH', tp.architecture],
    ['TARGETVARIANT', tp.variant ?? ''],
    ['TARGETSTAGE', target],
  ];
  const overrides = options.buildArgs ?? {};
  return new Map(
    values.map(([k, v]) => [k, Object.prototype.hasOwnProperty.call(overrides, k) ? overrides[k] : v]),
  );
}

export interface GlobalArgs {
  /** Values of the platform ARGs and the global ARGs that have one. */
  readonly values: Map<string, string>;
  /** Expansion errors (BuildKit fails the build on the first), each with the ARG's span. */
  readonly errors: ReadonlyArray<{ readonly message: string; readonly span: Span }>;
}

/** BuildKit's buildMetaArgs: the values FROM lines and bare stage ARGs see. */
export function evaluateGlobalArgs(df: Dockerfile, options: BuildArgOptions = {}): GlobalArgs {
  const values = platformArgs(df, options);
  const buildArgs = options.buildArgs ?? {};
  const errors: Array<{ message: string; span: Span }> = [];
  const vars = variablesFrom(values);
  const escapeChar = df.escapeChar;
  for (const instruction of df.globalArgs) {
    if (instruction.command?.kind !== 'ARG') continue;
    for (const arg of instruction.command.args) {
      let value: string | undefined;
      if (Object.prototype.hasOwnProperty.call(buildArgs, arg.key)) {
        value = buildArgs[arg.key];
      } else if (arg.value !== undefined) {
        const expanded = processShellWord(arg.value, vars, { escapeChar });
        if (expanded.error !== undefined) errors.push({ message: expanded.error, span: arg.token });
        value = expanded.value;
      }
      if (value !== undefined) values.set(arg.key, value);
    }
  }
  return { values, errors };
}
