// `docker build` (the classic /build endpoint) and `docker commit` through the real docker CLI.
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { berthdForSuite, daemonTestsBlocked, type TestDaemon } from '../../helpers/berthd';

describe('docker build and commit against berthd', function () {
  let d: TestDaemon;

  berthdForSuite(daemonTestsBlocked, (started) => (d = started));

  async function ok(args: string[]): Promise<string> {
    const r = await d.docker(args, { timeoutMs: 120_000 });
    assert.equal(r.status, 0, `docker ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  }

  function context(name: string, files: Record<string, string>): string {
    const dir = join(d.dir, name);
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
    return dir;
  }

  it('build -t with build args, a target and labels, then run the image', async () => {
    const dir = context('ctx-ok', {
      Dockerfile: [
        'FROM busybox AS base',
        'ARG GREETING=unset',
        'COPY hello.txt /hello.txt',
        'RUN echo "$GREETING" > /greeting',
        'FROM base AS final',
        'CMD ["cat", "/hello.txt", "/greeting"]',
        'FROM base AS unused',
        'RUN exit 9',
        '',
      ].join('\n'),
      'hello.txt': 'from the context\n',
    });
    const out = await ok([
      'build',
      '-t',
      'built:1',
      '--build-arg',
      'GREETING=hi there',
      '--target',
      'final',
      '--label',
      'team=berth',
      dir,
    ]);
    assert.match(out, /Step 1\/\d+ : FROM busybox AS base/);
    const built = /Successfully built ([0-9a-f]{12})/.exec(out)?.[1];
    assert.ok(built, out);
    assert.equal(
      out.match(/^ ---> ([0-9a-f]{12})$/gm)?.at(-1),
      ` ---> ${built}`,
      'the last step names the image',
    );
    assert.match(out, /Successfully tagged built:1/);
    const id = (await ok(['inspect', '-f', '{{.Id}}', 'built:1'])).trim();
    assert.equal(id.slice(7, 19), built, 'the id docker prints is the image the tag names');
    assert.equal(await ok(['run', '--rm', '--network', 'none', 'built:1']), 'from the context\nhi there\n');
    assert.equal((await ok(['inspect', '-f', '{{index .Config.Labels "team"}}', 'built:1'])).trim(), 'berth');
  });

  it('a failing RUN fails the build with its exit code and step, and tags nothing', async () => {
    const dir = context('ctx-fail', { Dockerfile: 'FROM busybox\nRUN echo about to fail; exit 7\n' });
    const r = await d.docker(['build', '-t', 'broken:1', dir], { timeoutMs: 120_000 });
    assert.notEqual(r.status, 0);
    assert.match(r.stdout, /about to fail/);
    assert.match(r.stderr, /exit code: 7/);
    assert.notEqual((await d.docker(['image', 'inspect', 'broken:1'])).status, 0);
  });

  describe("BuildKit's checks", () => {
    // CMD in shell form: JSONArgsRecommended, on line 3 of the plain file.
    const body = 'FROM busybox\nRUN echo the-run-step-ran\nCMD echo hi\n';
    const jsonArgs =
      'JSONArgsRecommended: JSON arguments recommended for CMD to prevent unintended behavior related to OS signals';

    it('a violated check builds and is listed after the build, with its line', async () => {
      const out = await ok(['build', '-t', 'checked:1', context('ctx-check-warn', { Dockerfile: body })]);
      assert.match(out, /Successfully tagged checked:1\n1 warning found:\n - (.*) \(line 3\)\n/);
      assert.ok(out.includes(` - ${jsonArgs} (line 3)\n`), out);
      assert.equal(
        (await ok(['image', 'inspect', '-f', '{{json .Config.Cmd}}', 'checked:1'])).trim(),
        '["/bin/sh","-c","echo hi"]',
      );
    });

    it('a build that fails in a step still lists its warnings, before its error', async () => {
      const dir = context('ctx-check-fail', { Dockerfile: 'FROM busybox\nCMD echo hi\nRUN exit 3\n' });
      const r = await d.docker(['build', dir], { timeoutMs: 120_000 });
      assert.notEqual(r.status, 0);
      assert.ok(r.stdout.includes(`1 warning found:\n - ${jsonArgs} (line 2)\n`), r.stdout);
      assert.match(r.stderr, /exit code: 3/);
    });

    it("UndefinedVar reads the base image's ENV from the store, as BuildKit reads its metadata", async () => {
      const dir = context('ctx-check-var', {
        Dockerfile: 'FROM busybox\nENV P=$PATH\nWORKDIR /app/$APP_HOME\n',
      });
      const out = await ok(['build', dir]);
      assert.match(
        out,
        /1 warning found:\n - UndefinedVar: Usage of undefined variable '\$APP_HOME' \(line 3\)\n$/,
      );
    });

    it('# check=error=true fails the build before any step, naming the rule and its line', async () => {
      const dir = context('ctx-check-error', { Dockerfile: `# check=error=true\n${body}` });
      const r = await d.docker(['build', '-t', 'checked:2', dir], { timeoutMs: 120_000 });
      assert.notEqual(r.status, 0, r.stdout);
      assert.match(r.stderr, /lint violation found for rules: JSONArgsRecommended\n/);
      assert.ok(r.stderr.includes(` - ${jsonArgs} (line 4)\n`), r.stderr);
      assert.doesNotMatch(r.stdout, /^Step /m, 'no step started');
      assert.doesNotMatch(r.stdout, /the-run-step-ran/);
      assert.notEqual((await d.docker(['image', 'inspect', 'checked:2'])).status, 0, 'nothing was tagged');
    });

    it('skipped checks report nothing: check=skip=… in the file, or the BUILDKIT_DOCKERFILE_CHECK build-arg', async () => {
      const skipped = await ok([
        'build',
        '-t',
        'checked:3',
        context('ctx-check-skip', { Dockerfile: `# check=skip=JSONArgsRecommended;error=true\n${body}` }),
      ]);
      assert.match(skipped, /Successfully tagged checked:3\n$/);
      assert.doesNotMatch(skipped, /warning/i);
      const overridden = await ok([
        'build',
        '-t',
        'checked:4',
        '--build-arg',
        'BUILDKIT_DOCKERFILE_CHECK=skip=all',
        context('ctx-check-arg', { Dockerfile: `# check=error=true\n${body}` }),
      ]);
      assert.match(overridden, /Successfully tagged checked:4\n$/);
      assert.doesNotMatch(overridden, /warning/i, 'no finding, and the build-arg is not "unused"');
    });
  });

  it('commit turns a running container into an image, with --change applied', async () => {
    await ok([
      'run',
      '-d',
      '--name',
      'to-commit',
      '--network',
      'none',
      'busybox',
      'sh',
      '-c',
      'echo made inside > /made; rm /bin/vi; touch /ready; exec sleep 1000',
    ]);
    const deadline = Date.now() + 20_000;
    while ((await d.docker(['exec', 'to-commit', 'test', '-e', '/ready'])).status !== 0) {
      assert.ok(Date.now() < deadline, 'the container never made /ready');
    }
    // Only what the process changed: the mount points (/etc/hosts, /proc, /dev…) are not changes.
    const diff = (await ok(['diff', 'to-commit'])).trim().split('\n').sort();
    assert.deepEqual(diff, ['A /made', 'A /ready', 'C /bin', 'D /bin/vi']);
    const id = (
      await ok([
        'commit',
        '-c',
        'CMD ["cat", "/made"]',
        '-c',
        'ENV COMMITTED=yes',
        'to-commit',
        'committed:1',
      ])
    ).trim();
    assert.match(id, /^sha256:[0-9a-f]{64}$/);
    assert.equal(
      (await ok(['inspect', '-f', '{{.State.Status}}', 'to-commit'])).trim(),
      'running',
      'the container runs on after the commit',
    );
    assert.equal(await ok(['run', '--rm', '--network', 'none', 'committed:1']), 'made inside\n');
    assert.equal(
      await ok([
        'run',
        '--rm',
        '--network',
        'none',
        'committed:1',
        'sh',
        '-c',
        'echo $COMMITTED; test -e /bin/vi || echo no vi',
      ]),
      'yes\nno vi\n',
    );
    const layers = (name: string) => ok(['inspect', '-f', '{{len .RootFS.Layers}}', name]);
    assert.equal(Number(await layers('committed:1')), Number(await layers('busybox')) + 1);
    const bad = await d.docker(['commit', '-c', 'RUN echo no', 'to-commit', 'committed:2']);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /RUN is not a valid change command/);
    await ok(['rm', '-f', 'to-commit']);
  });
});
