// Errors a user can act on: a failed RUN names the command, the exit code, its last output lines
// and the Dockerfile line; a missing COPY source names the path and says when .dockerignore hid
// it; a syntax error reads as the language server reports it.
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BuildError, buildImage, formatBuildError } from '../../../engine/src/build';
import { parseDockerfile } from '../../../engine/src/dockerfile';
import { BuildEnv, buildTestsSkipReason } from '../../helpers/build-env';
import { skipIfBlocked } from '../../helpers/skip';

const skip = buildTestsSkipReason();

describe('builder: errors', function () {
  this.timeout(120_000);
  let env: BuildEnv;

  before(async function () {
    skipIfBlocked(this, skip, 'builder engine tests');
    env = await BuildEnv.create();
  });

  after(() => env?.close());

  function context(dockerfile: string, files: Record<string, string> = {}): string {
    const dir = mkdtempSync(join(env.root, 'ctx-'));
    writeFileSync(join(dir, 'Dockerfile'), dockerfile);
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    return dir;
  }

  async function failure(dir: string): Promise<BuildError> {
    try {
      await env.build({ contextDir: dir });
    } catch (err) {
      assert.ok(err instanceof BuildError, `expected a BuildError, got ${String(err)}`);
      return err;
    }
    assert.fail('the build succeeded');
  }

  it('shows the failed command, its exit code, its last lines and the Dockerfile line', async () => {
    const dir = context('FROM busybox\nRUN echo first\nRUN echo one; echo two; exit 3\n');
    const err = await failure(dir);
    assert.equal(
      err.message,
      'process "/bin/sh -c echo one; echo two; exit 3" did not complete successfully: exit code: 3',
    );
    assert.equal(err.details.exitCode, 3);
    assert.deepEqual(err.details.location, { file: 'Dockerfile', startLine: 3, endLine: 3 });
    const text = formatBuildError(err);
    assert.match(text, / > \[3\/3\] RUN echo one; echo two; exit 3:\none\ntwo\n/);
    assert.match(
      text,
      /Dockerfile:3\n-+\n {3}1 \| {5}FROM busybox\n {3}2 \| {5}RUN echo first\n {3}3 \| >>> RUN echo one; echo two; exit 3\n/,
    );
    assert.match(
      text,
      /ERROR: failed to solve: process "\/bin\/sh -c echo one; echo two; exit 3" did not complete successfully: exit code: 3\n$/,
    );
  });

  it('says why a RUN program could not start: missing path, not in PATH, not executable', async () => {
    const cases: Array<[string, RegExp]> = [
      [
        'RUN ["/nosuch", "x"]',
        /^process "\/nosuch x" did not complete successfully: exec: "\/nosuch": no such file or directory: /,
      ],
      [
        'RUN ["nosuch"]',
        /^process "nosuch" did not complete successfully: exec: "nosuch": executable file not found in \$PATH: /,
      ],
      [
        'RUN ["/etc/passwd"]',
        /^process "\/etc\/passwd" did not complete successfully: exec: "\/etc\/passwd": permission denied: /,
      ],
    ];
    for (const [run, expected] of cases) {
      const err = await failure(context(`FROM busybox\n${run}\n`));
      assert.match(err.message, expected);
      assert.equal(err.details.location?.startLine, 2);
    }
  });

  it('names a missing COPY source', async () => {
    const err = await failure(context('FROM busybox\nCOPY nothere.txt /x\n'));
    assert.match(err.message, /"nothere.txt" not found in the build context/);
    assert.equal(err.details.location?.startLine, 2);
  });

  it('says when .dockerignore excluded a COPY source', async () => {
    const dir = context('FROM busybox\nCOPY secret.txt /x\n', {
      'secret.txt': 'x',
      '.dockerignore': 'secret.txt\n',
    });
    const err = await failure(dir);
    assert.match(err.message, /"secret.txt" is excluded by \.dockerignore/);
  });

  it('reports a syntax error in the words and place the language server uses', async () => {
    const text = 'FROM busybox\nRUN true\nFROOM x\n';
    const err = await failure(context(text));
    const diagnostic = parseDockerfile(text).errors[0];
    assert.equal(err.message, `dockerfile parse error on line 3: ${diagnostic.message}`);
    assert.equal(err.details.location?.startLine, diagnostic.range.start.line + 1);
  });

  it('reports the stage that failed, not the parallel stage its failure cancelled', async () => {
    const err = await failure(
      context(
        'FROM busybox AS slow\nRUN sleep 600\nFROM busybox AS broken\nRUN echo boom; exit 3\n' +
          'FROM busybox\nCOPY --from=slow /etc/passwd /a\nCOPY --from=broken /etc/passwd /b\n',
      ),
    );
    assert.equal(
      err.message,
      'process "/bin/sh -c echo boom; exit 3" did not complete successfully: exit code: 3',
    );
    assert.equal(err.details.location?.startLine, 4);
  });

  it('says a build was cancelled when its signal aborts, killing the running step', async () => {
    const cancel = new AbortController();
    const build = buildImage(
      { contextDir: context('FROM busybox\nRUN echo started; sleep 600\n') },
      {
        store: env.store,
        executor: env.executor,
        signal: cancel.signal,
        onEvent: (e) => {
          if (e.kind === 'step-output' && e.data.includes('started')) cancel.abort();
        },
      },
    );
    await assert.rejects(build, /^BuildError: the build was cancelled$/);
  });

  it('names a stage that does not exist', async () => {
    await assert.rejects(
      env.build({ contextDir: context('FROM busybox AS one\nRUN true\n'), target: 'two' }),
      /target stage "two" could not be found/,
    );
  });

  it('refuses a COPY --from of a later stage, as BuildKit does', async () => {
    const err = await failure(
      context(
        'FROM busybox AS one\nCOPY --from=two /bin/sh /sh\nFROM busybox AS two\nFROM busybox\nCOPY --from=one /sh /sh\n',
      ),
    );
    assert.match(
      err.message,
      /cannot copy from stage "two", it needs to be defined before current stage "one"/,
    );
  });
});
