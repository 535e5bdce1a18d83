import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseImageCatalog, BuildChecks } from '../../../engine/src/build/checks';
import { BuildError } from '../../../engine/src/build/errors';
import type { BuildPlan } from '../../../engine/src/build/plan';
import { ImageCatalog } from '../../../engine/src/dockerfile/lint/environment';
import type { Platform } from '../../../engine/src/oci/image-spec';
import type { StoredImage } from '../../../engine/src/store/store';

const amd64: Platform = { os: 'linux', architecture: 'amd64' };

describe('build pre-flight checks', () => {
  let contextDir: string;
  beforeEach(() => (contextDir = mkdtempSync(join(tmpdir(), 'berth-checks-'))));
  afterEach(() => rmSync(contextDir, { recursive: true, force: true }));

  const preflight = (text: string, buildArgs: Record<string, string> = {}, images = new ImageCatalog()) =>
    BuildChecks.prepare(text, 'Dockerfile', contextDir, join(contextDir, 'Dockerfile'), buildArgs).run(
      images,
    );

  it('returns the findings for the build to report', () => {
    const found = preflight('FROM busybox\nCMD echo hi\n');
    assert.deepEqual(
      found.map((f) => [f.rule, f.line]),
      [['JSONArgsRecommended', 2]],
    );
  });

  it('with error=true, fails naming the rules and their lines, and says what to do', () => {
    const text = '# check=error=true\nFROM busybox as base\nCMD echo hi\n';
    assert.throws(
      () => preflight(text),
      (err: unknown) => {
        assert.ok(err instanceof BuildError);
        assert.equal(
          err.message,
          [
            'lint violation found for rules: FromAsCasing, JSONArgsRecommended',
            " - FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 2)",
            ' - JSONArgsRecommended: JSON arguments recommended for CMD to prevent unintended behavior related to OS signals (line 3)',
            'the "# check=" directive of Dockerfile sets error=true, so check warnings fail the build: ' +
              'fix them, or skip a rule with check=skip=<Rule>',
          ].join('\n'),
        );
        assert.deepEqual(err.details.location, { file: 'Dockerfile', startLine: 2, endLine: 2 });
        return true;
      },
    );
  });

  it('with error=true and nothing found, lets the build run', () => {
    assert.deepEqual(preflight('# check=error=true\nFROM busybox\nCMD ["echo", "hi"]\n'), []);
  });

  it('the build-arg replaces the directive: error=true from it, skip=all over the file', () => {
    assert.throws(
      () => preflight('FROM busybox\nCMD echo hi\n', { BUILDKIT_DOCKERFILE_CHECK: 'error=true' }),
      {
        message:
          /^lint violation found for rules: JSONArgsRecommended\n[^]*the BUILDKIT_DOCKERFILE_CHECK build-arg sets error=true/,
      },
    );
    assert.deepEqual(
      preflight('# check=error=true\nFROM busybox\nCMD echo hi\n', { BUILDKIT_DOCKERFILE_CHECK: 'skip=all' }),
      [],
    );
  });

  it("reads the context's .dockerignore for CopyIgnoredFile", () => {
    writeFileSync(join(contextDir, '.dockerignore'), 'secret.txt\n');
    assert.deepEqual(
      preflight('FROM busybox\nCOPY secret.txt /\n').map((f) => `${f.rule}: ${f.message}`),
      ['CopyIgnoredFile: Attempting to Copy file "secret.txt" that is excluded by .dockerignore'],
    );
  });

  it('reads the ignore file the build applies: <Dockerfile>.dockerignore first, next to a -f Dockerfile outside the context', () => {
    writeFileSync(join(contextDir, '.dockerignore'), 'secret.txt\n');
    const elsewhere = mkdtempSync(join(tmpdir(), 'berth-checks-f-'));
    try {
      writeFileSync(join(elsewhere, 'app.Dockerfile.dockerignore'), 'other.txt\n');
      const findings = BuildChecks.prepare(
        'FROM busybox\nCOPY secret.txt other.txt /\n',
        'app.Dockerfile',
        contextDir,
        join(elsewhere, 'app.Dockerfile'),
        {},
      ).run(new ImageCatalog());
      assert.deepEqual(
        findings.map((f) => f.message),
        ['Attempting to Copy file "other.txt" that is excluded by .dockerignore'],
      );
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('refuses a BUILDKIT_DOCKERFILE_CHECK that does not parse', () => {
    assert.throws(
      () => preflight('FROM busybox\n', { BUILDKIT_DOCKERFILE_CHECK: 'bogus' }),
      (err: unknown) =>
        err instanceof BuildError &&
        err.message ===
          'failed to parse check options from the BUILDKIT_DOCKERFILE_CHECK build-arg: invalid check option "bogus"',
    );
  });

  it('UndefinedVar knows what the base image sets once its metadata is at hand', async () => {
    const text = 'FROM busybox\nWORKDIR $APP_HOME\nENV P=$PATH\n';
    assert.deepEqual(preflight(text), [], 'an unknown base image may define APP_HOME');
    const plan = {
      needed: [0],
      stages: [{ base: { kind: 'image', reference: 'docker.io/library/busybox:latest' }, platform: amd64 }],
      platform: amd64,
    } as unknown as BuildPlan;
    const resolved: string[] = [];
    const image = async (reference: string, platform: Platform) => {
      resolved.push(`${reference} ${platform.architecture}`);
      return {
        id: 'sha256:1',
        config: { os: 'linux', architecture: 'amd64', config: { Env: ['PATH=/bin'] } },
      } as unknown as StoredImage;
    };
    const catalog = await baseImageCatalog(plan, image);
    assert.deepEqual(resolved, ['docker.io/library/busybox:latest amd64']);
    assert.deepEqual(
      preflight(text, {}, catalog).map((f) => `${f.rule} ${f.line}: ${f.message}`),
      ["UndefinedVar 2: Usage of undefined variable '$APP_HOME'"],
    );
  });
});
