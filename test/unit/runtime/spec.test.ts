import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultSpec } from '../../../engine/src/runtime/default-spec';
import { checkSupported, loadSpec, SpecError, validateSpec } from '../../../engine/src/runtime/spec';

describe('config.json', () => {
  it('accepts the default spec', () => {
    assert.doesNotThrow(() => validateSpec(defaultSpec()));
  });

  it('names the field that is wrong', () => {
    const bad = (change: (s: Record<string, unknown>) => void) => {
      const s = JSON.parse(JSON.stringify(defaultSpec())) as Record<string, unknown>;
      change(s);
      return () => validateSpec(s);
    };
    assert.throws(
      bad((s) => (s.ociVersion = '0.9')),
      /ociVersion "0.9"/,
    );
    assert.throws(
      bad((s) => ((s.process as { args: string[] }).args = [])),
      /process.args must be a non-empty list/,
    );
    assert.throws(
      bad((s) => ((s.process as { cwd: string }).cwd = 'rel')),
      /process.cwd "rel" must be an absolute path/,
    );
    assert.throws(
      bad((s) => delete s.root),
      /root.path is missing/,
    );
    assert.throws(
      bad((s) => (s.hooks = { prestart: [{ path: 'relative' }] })),
      /hooks.prestart: path "relative" must be absolute/,
    );
  });

  it('says where the file should be when the bundle has none, and what is wrong with bad JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-spec-'));
    try {
      assert.throws(
        () => loadSpec(dir),
        (e: Error) => e instanceof SpecError && /does not exist: pass the bundle directory/.test(e.message),
      );
      writeFileSync(join(dir, 'config.json'), '{"ociVersion":');
      assert.throws(() => loadSpec(dir), /is not valid JSON/);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});

describe('fields berth-runtime does not apply yet', () => {
  it('refuses the ones that would change what the container gets, naming them', () => {
    const spec = defaultSpec();
    spec.linux!.memoryPolicy = { mode: 'MPOL_BIND', nodes: '0' };
    assert.throws(
      () => checkSupported(spec, () => undefined),
      /linux.memoryPolicy is not supported by berth-runtime yet/,
    );
    const idmapped = defaultSpec();
    idmapped.mounts!.push({
      destination: '/data',
      type: 'bind',
      source: '/d',
      uidMappings: [{ containerID: 0, hostID: 1, size: 1 }],
    });
    assert.throws(() => checkSupported(idmapped, () => undefined), /id-mapped mount at \/data/);
  });

  it('warns about LSM labels it cannot apply', () => {
    const spec = defaultSpec();
    spec.process!.apparmorProfile = 'docker-default';
    const warnings: string[] = [];
    checkSupported(spec, (w) => warnings.push(w));
    assert.match(warnings[0], /apparmorProfile "docker-default" is not applied/);
  });
});
