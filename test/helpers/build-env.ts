// A store for builder tests: a temp state dir with the busybox test image loaded as
// `docker.io/library/busybox:latest`, a runtime for RUN steps, and helpers to build a fixture
// directory and to run a command in the result (the probe).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  buildImage,
  type BuildEvent,
  type BuildRequest,
  type BuildResult,
  type StepExecutor,
} from '../../engine/src/build';
import { RuntimeExecutor } from '../../engine/src/build/runtime-executor';
import { runLocal } from '../../engine/src/cli/local-run';
import { loadImages } from '../../engine/src/store/archive/load';
import { Store } from '../../engine/src/store/store';
import { haveBusybox } from './busybox-rootfs';
import { makeBusyboxLayout } from './busybox-image';
import { fixturePath } from './fixtures';
import { haveRunc, RuncExecutor } from './runc-executor';

/** Why builder engine tests cannot run here, or undefined when they can. */
export function buildTestsSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (overlay mounts, containers)';
  if (!haveBusybox()) return 'needs busybox-static (/bin/busybox: apt-get install busybox-static)';
  if (process.env.BERTH_TEST_STEP_RUNTIME === 'runc' && !haveRunc())
    return 'needs runc (/usr/sbin/runc: apt-get install runc)';
  return undefined;
}

export class BuildEnv {
  readonly root = mkdtempSync(join(tmpdir(), 'berth-build-test-'));
  readonly store = Store.open(this.root);
  /** Berth's runtime; BERTH_TEST_STEP_RUNTIME=runc runs the steps through runc to cross-check. */
  readonly executor: StepExecutor & { close?(): void } =
    process.env.BERTH_TEST_STEP_RUNTIME === 'runc' ? new RuncExecutor() : new RuntimeExecutor();
  private readonly scratch = mkdtempSync(join(tmpdir(), 'berth-build-ctx-'));

  static async create(): Promise<BuildEnv> {
    const env = new BuildEnv();
    const layout = join(env.scratch, 'busybox-layout');
    makeBusyboxLayout(layout);
    const tar = execFileSync('tar', ['-C', layout, '-cf', '-', '.'], { maxBuffer: 1 << 30 });
    const [loaded] = await loadImages(env.store, Readable.from([tar]));
    env.store.images.set('docker.io/library/busybox:latest', loaded.image.manifestDescriptor);
    return env;
  }

  /** A fresh copy of test/fixtures/build/<name> (tests may change files in it). */
  context(name: string): string {
    const dir = mkdtempSync(join(this.scratch, `${name}-`));
    cpSync(fixturePath('build', name), dir, { recursive: true });
    return dir;
  }

  async build(request: BuildRequest): Promise<{ result: BuildResult; events: BuildEvent[] }> {
    const events: BuildEvent[] = [];
    const result = await buildImage(request, {
      store: this.store,
      executor: this.executor,
      onEvent: (e) => events.push(e),
    });
    return { result, events };
  }

  /** Runs `command` in `image` and returns what it printed; rejects on a non-zero exit. */
  async probe(image: string, command: string[], options: { user?: string } = {}): Promise<string> {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const code = await runLocal(
      this.store,
      this.executor,
      { image, command, entrypoint: '', ...(options.user && { user: options.user }) },
      { stdout: (c) => out.push(c), stderr: (c) => err.push(c) },
    );
    if (code !== 0) {
      throw new Error(`probe ${JSON.stringify(command)} exited ${code}: ${Buffer.concat(err).toString()}`);
    }
    return Buffer.concat(out).toString();
  }

  /** The image config the store holds for `image`. */
  config(image: string): Record<string, unknown> {
    const { image: stored } = this.store.resolve(image);
    return JSON.parse(this.store.blobs.read(stored.id).toString()) as Record<string, unknown>;
  }

  close(): void {
    this.executor.close?.();
    rmSync(this.scratch, { recursive: true, force: true });
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Step names of the events that hit the cache / ran, for asserting what a build re-did. */
export function stepOutcomes(events: BuildEvent[]): { cached: string[]; ran: string[] } {
  const names = new Map<number, string>();
  const cached = new Set<number>();
  for (const e of events) {
    if (e.kind === 'step-start' && e.name) names.set(e.step, e.name);
    if (e.kind === 'step-cached') cached.add(e.step);
  }
  const layerSteps = [...names].filter(([, n]) => /\] (RUN|COPY|ADD|WORKDIR) /.test(n));
  return {
    cached: layerSteps.filter(([s]) => cached.has(s)).map(([, n]) => n),
    ran: layerSteps.filter(([s]) => !cached.has(s)).map(([, n]) => n),
  };
}
