import * as assert from 'node:assert/strict';
import { parseDockerfile } from '../../../../engine/src/dockerfile';
import { buildCheckConfig, runBuildChecks } from '../../../../engine/src/dockerfile/lint/buildChecks';
import { DockerfileDocument } from '../../../../engine/src/dockerfile/lint/document';
import { defaultEnvironment } from '../../../../engine/src/dockerfile/lint/environment';

function configOf(text: string, buildArgs: Record<string, string> = {}) {
  return buildCheckConfig(parseDockerfile(text).directives, buildArgs);
}

function checks(text: string, buildArgs: Record<string, string> = {}) {
  const document = new DockerfileDocument('file:///ctx/Dockerfile', 1, text);
  const parsed = buildCheckConfig(document.dockerfile.directives, buildArgs);
  assert.ok(parsed.config, parsed.error);
  return runBuildChecks(document, defaultEnvironment, parsed.config);
}

describe('build checks', () => {
  describe('buildCheckConfig', () => {
    it('reads the # check= directive when no build-arg is given', () => {
      const parsed = configOf('# check=skip=JSONArgsRecommended;error=true\nFROM busybox\n');
      assert.equal(parsed.source, 'directive');
      assert.equal(parsed.config?.error, true);
      assert.deepEqual([...parsed.config!.skip], ['JSONArgsRecommended']);
    });

    it('takes BUILDKIT_DOCKERFILE_CHECK instead of the directive, as BuildKit does (no merge)', () => {
      const parsed = configOf('# check=error=true\nFROM busybox\n', {
        BUILDKIT_DOCKERFILE_CHECK: 'skip=FromAsCasing',
      });
      assert.equal(parsed.source, 'build-arg');
      assert.equal(parsed.config?.error, false, 'the directive error=true no longer applies');
      assert.deepEqual([...parsed.config!.skip], ['FromAsCasing']);
    });

    it('refuses a build-arg that does not parse, naming it', () => {
      const parsed = configOf('FROM busybox\n', { BUILDKIT_DOCKERFILE_CHECK: 'error=maybe' });
      assert.equal(
        parsed.error,
        'failed to parse check options from the BUILDKIT_DOCKERFILE_CHECK build-arg: ' +
          'failed to parse check option "error=maybe": strconv.ParseBool: parsing "maybe": invalid syntax',
      );
    });
  });

  describe('runBuildChecks', () => {
    const dockerfile = 'FROM busybox as base\nRUN apt-get install curl\nCMD echo hi\n';

    it("reports BuildKit's checks by rule, message and 1-based line, in line order", () => {
      assert.deepEqual(
        checks(dockerfile).map((f) => `${f.rule} ${f.line}: ${f.message}`),
        [
          "FromAsCasing 1: 'as' and 'FROM' keywords' casing do not match",
          'JSONArgsRecommended 3: JSON arguments recommended for CMD to prevent unintended behavior related to OS signals',
        ],
      );
    });

    it('leaves out our own rules (the apt-get ones) and names the docs', () => {
      const found = checks(dockerfile);
      assert.ok(found.every((f) => f.url.startsWith('https://docs.docker.com/go/dockerfile/rule/')));
    });

    it('drops skipped rules, from the directive or the build-arg', () => {
      assert.deepEqual(
        checks(`# check=skip=FromAsCasing\n${dockerfile}`).map((f) => f.rule),
        ['JSONArgsRecommended'],
      );
      assert.deepEqual(checks(dockerfile, { BUILDKIT_DOCKERFILE_CHECK: 'skip=all' }), []);
    });
  });
});
