// Builder features outside the reference suite: ADD of a URL with --checksum, RUN --network, the
// classic /build stream from a context tar, the CLI (`berth build`, `berth run`), pruning.
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import {
  BuildCache,
  buildFromContextTar,
  type BuildEvent,
  type ClassicMessage,
} from '../../../engine/src/build';
import { LocalImageBackend } from '../../../engine/src/cli/backend';
import { main } from '../../../engine/src/cli/berth';
import { makeBusyboxLayout, skopeoPush } from '../../helpers/busybox-image';
import { haveRegistry, startRegistry } from '../../helpers/registry';
import { BuildEnv, buildTestsSkipReason } from '../../helpers/build-env';
import { skipBecause, skipIfBlocked } from '../../helpers/skip';

const skip = buildTestsSkipReason();
const berthBin = join(__dirname, '..', '..', '..', '..', 'bin', 'berth');

function sink(): Writable & { text: string } {
  const out = new Writable({
    write(chunk, _enc, done) {
      out.text += chunk.toString();
      done();
    },
  }) as Writable & { text: string };
  out.text = '';
  return out;
}

describe('builder: features', function () {
  this.timeout(120_000);
  let env: BuildEnv;
  let server: Server;
  let url: string;
  const payload = Buffer.from('downloaded content\n');

  before(async function () {
    skipIfBlocked(this, skip, 'builder engine tests');
    env = await BuildEnv.create();
    server = createServer((req, res) => {
      if (req.url === '/files/payload.txt') {
        res.writeHead(200, { 'Last-Modified': 'Wed, 21 Oct 2015 07:28:00 GMT' });
        res.end(payload);
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/files/payload.txt`;
  });

  after(async () => {
    await new Promise((resolve) => server?.close(resolve));
    env?.close();
  });

  function context(dockerfile: string): string {
    const dir = mkdtempSync(join(env.root, 'ctx-'));
    writeFileSync(join(dir, 'Dockerfile'), dockerfile);
    return dir;
  }

  it('ADD downloads a URL, checks --checksum, names and dates the file as BuildKit does', async () => {
    const sum = `sha256:${createHash('sha256').update(payload).digest('hex')}`;
    const { result } = await env.build({
      contextDir: context(`FROM busybox\nADD --checksum=${sum} ${url} /dl/\nADD ${url} /named.txt\n`),
      network: 'host',
    });
    const out = await env.probe(result.id, [
      'sh',
      '-c',
      'cat /dl/payload.txt; stat -c "%a %Y" /dl/payload.txt /named.txt',
    ]);
    assert.equal(out, 'downloaded content\n600 1445412480\n600 1445412480\n');
    await assert.rejects(
      env.build({ contextDir: context(`FROM busybox\nADD --checksum=sha256:${'0'.repeat(64)} ${url} /x\n`) }),
      /digest mismatch/,
    );
  });

  it('runs RUN as USER with the groups BuildKit gives (uid:gid, names, /etc/group membership)', async () => {
    const dockerfile = [
      'FROM busybox',
      "RUN printf 'root:x:0:0:root:/root:/bin/sh\\nalice:x:1000:1000::/home/alice:/bin/sh\\nbob:x:1001:1001::/:/bin/sh\\n' > /etc/passwd && " +
        "printf 'root:x:0:\\nalice:x:1000:\\nwheel:x:10:alice,root\\naudio:x:29:alice\\nstaff:x:50:bob\\nself:x:1000:alice\\n' > /etc/group",
      'RUN id > /ids && chmod 666 /ids',
      ...['alice', 'alice:staff', '1000', '1000:50', '1001:wheel', '4242', 'root:root', '0'].flatMap((u) => [
        `USER ${u}`,
        `RUN id >> /ids`,
      ]),
    ].join('\n');
    const { result } = await env.build({ contextDir: context(`${dockerfile}\n`) });
    assert.equal(
      await env.probe(result.id, ['cat', '/ids']),
      [
        'uid=0(root) gid=0(root) groups=0(root),10(wheel)', // no USER: root, with its groups
        'uid=1000(alice) gid=1000(alice) groups=10(wheel),29(audio),1000(alice)',
        'uid=1000(alice) gid=50(staff) groups=50(staff)', // a named group: no others
        'uid=1000(alice) gid=1000(alice) groups=10(wheel),29(audio),1000(alice)',
        'uid=1000(alice) gid=50(staff) groups=50(staff)', // uid:gid in numbers: as is
        'uid=1001(bob) gid=10(wheel) groups=10(wheel)',
        'uid=4242 gid=0(root) groups=0(root)', // not in /etc/passwd: group 0
        'uid=0(root) gid=0(root) groups=0(root)',
        'uid=0(root) gid=0(root) groups=0(root),10(wheel)',
        '',
      ].join('\n'),
    );
  });

  it('gives RUN a fresh read-only /sys with only its own cgroup under /sys/fs/cgroup, as BuildKit does', async () => {
    for (const network of ['none', 'host'] as const) {
      const { result } = await env.build({
        contextDir: context(
          "FROM busybox\nRUN cut -d' ' -f4,5,6,9 /proc/self/mountinfo | grep ' /sys' > /sys.txt; mkdir /sys/fs/cgroup/x 2>> /sys.txt || true\n",
        ),
        network,
      });
      const lines = (await env.probe(result.id, ['cat', '/sys.txt'])).trim().split('\n');
      const mounts = lines.filter((l) => !l.startsWith('mkdir'));
      const where = (l: string) => l.split(' ')[1];
      assert.deepEqual(
        mounts.map(where).filter((p) => !p.startsWith('/sys/fs/cgroup/')),
        ['/sys', '/sys/fs/cgroup', '/sys/firmware'],
        `no host submount of /sys comes along (${network}):\n${lines.join('\n')}`,
      );
      const hierarchies = mounts.filter((l) => where(l).startsWith('/sys/fs/cgroup/'));
      assert.ok(hierarchies.length > 0);
      for (const h of hierarchies) {
        const [root, at, options, fstype] = h.split(' ');
        assert.notEqual(at, '/sys/fs/cgroup/unified', 'no cgroup2 of a hybrid host');
        assert.match(fstype, /^cgroup2?$/);
        assert.notEqual(root, '/', `${at} shows the step's own cgroup, not the host's tree`);
        assert.match(options, /^ro,/, `${at} is read-only`);
      }
      assert.match(
        lines.at(-1)!,
        /mkdir: can't create directory '\/sys\/fs\/cgroup\/x': Read-only file system/,
      );
    }
  });

  it('COPY --parents keeps the source paths (after a /./ pivot), --exclude leaves out what matches', async () => {
    const dir = context(
      [
        'FROM busybox',
        'COPY --parents ./x/a.txt ./y/a.txt /parents/',
        'COPY --parents ./x/./deep/*.txt /pivot/',
        'COPY --exclude=*.txt hom* /mydir/',
        'COPY --exclude=*.md --exclude=skip tree /tree/',
        'RUN cd / && find /parents /pivot /mydir /tree -type f | sort > /files',
        '',
      ].join('\n'),
    );
    for (const f of ['x/a.txt', 'y/a.txt', 'x/deep/b.txt', 'x/deep/c.md', 'hom.md', 'hom.txt', 'homer.txt']) {
      mkdirSync(join(dir, f, '..'), { recursive: true });
      writeFileSync(join(dir, f), f);
    }
    for (const f of [
      'tree/keep.txt',
      'tree/drop.md',
      'tree/sub/keep2.txt',
      'tree/sub/drop2.md',
      'tree/skip/x.txt',
    ]) {
      mkdirSync(join(dir, f, '..'), { recursive: true });
      writeFileSync(join(dir, f), f);
    }
    const { result } = await env.build({ contextDir: dir });
    assert.deepEqual((await env.probe(result.id, ['cat', '/files'])).trim().split('\n'), [
      '/mydir/hom.md',
      '/parents/x/a.txt',
      '/parents/y/a.txt',
      '/pivot/deep/b.txt',
      '/tree/keep.txt',
      '/tree/sub/drop2.md', // patterns match as in .dockerignore: *.md only at the top
      '/tree/sub/keep2.txt',
    ]);
  });

  it('runs RUN --network=none without any network but loopback', async () => {
    const { result } = await env.build({
      contextDir: context('FROM busybox\nRUN --network=none ls /sys/class/net > /none.txt\n'),
    });
    assert.equal(await env.probe(result.id, ['cat', '/none.txt']), 'lo\n');
  });

  it('builds from a context tar and reports the classic /build stream', async () => {
    const dir = context('FROM busybox\nENV A=b\nRUN echo built-from-tar\n');
    const tar = execFileSync('tar', ['-C', dir, '-cf', '-', '.']);
    const messages: ClassicMessage[] = [];
    const result = await buildFromContextTar(
      Readable.from([tar]),
      { tags: ['from-tar:1'] },
      { store: env.store, executor: env.executor },
      (m) => messages.push(m),
    );
    const streams = messages.filter((m): m is { stream: string } => 'stream' in m).map((m) => m.stream);
    assert.deepEqual(
      streams.filter((s) => s.startsWith('Step')),
      ['Step 1/3 : FROM busybox\n', 'Step 2/3 : ENV A=b\n', 'Step 3/3 : RUN echo built-from-tar\n'],
    );
    assert.ok(streams.includes('built-from-tar\n'));
    assert.deepEqual(
      messages.find((m) => 'aux' in m),
      { aux: { ID: result.id } },
    );
    assert.equal(streams.at(-1), 'Successfully tagged from-tar:1\n');
  });

  it("a context tar's big files reach COPY intact, cached or not, hard links included", async () => {
    const dir = context(
      'FROM busybox\nRUN echo before > /before\nCOPY . /ctx/\nRUN sha256sum /ctx/big /ctx/twin /ctx/Dockerfile > /sums\n',
    );
    const big = randomBytes(3 * 1024 * 1024);
    writeFileSync(join(dir, 'big'), big);
    linkSync(join(dir, 'big'), join(dir, 'twin'));
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    const build = async () => {
      const messages: ClassicMessage[] = [];
      const tar = execFileSync('tar', ['-C', dir, '-cf', '-', '.'], { maxBuffer: 64 << 20 });
      const result = await buildFromContextTar(
        Readable.from([tar]),
        { tags: ['held:1'] },
        { store: env.store, executor: env.executor },
        (m) => messages.push(m),
      );
      const cached = messages.filter((m) => 'stream' in m && m.stream.includes('Using cache')).length;
      return { id: result.id, cached };
    };
    const sums = (id: string) =>
      env.probe(id, ['sh', '-c', 'cat /sums; stat -c %s /ctx/big']).then((out) => out.replace(/ +/g, ' '));
    const expected = (content: Buffer) =>
      `${sha(content)} /ctx/big\n${sha(content)} /ctx/twin\n${sha(readFileSync(join(dir, 'Dockerfile')))} /ctx/Dockerfile\n${content.length}\n`;
    const first = await build();
    assert.equal(await sums(first.id), expected(big));
    const again = await build();
    assert.deepEqual(again, { id: first.id, cached: 3 }, 'fully cached: the same image');
    // A changed file after a cached step: the held content is written before COPY reads it.
    const changed = randomBytes(2 * 1024 * 1024);
    writeFileSync(join(dir, 'big'), changed);
    const third = await build();
    assert.equal(third.cached, 1, 'only the RUN before the COPY is cached');
    assert.equal(await sums(third.id), expected(changed));
  });

  it('berth build and berth run, as a user types them', async () => {
    const dir = context('FROM busybox\nRUN echo from-cli > /cli.txt\nCMD ["cat", "/cli.txt"]\n');
    const stderr = sink();
    const stdout = sink();
    const iid = join(dir, 'iid');
    const io = { stdin: Readable.from([]), stdout, stderr };
    const code = await main(
      ['--root', env.root, 'build', '--progress', 'plain', '-t', 'cli:1', '--iidfile', iid, dir],
      io,
    );
    assert.equal(code, 0, stderr.text);
    assert.match(stderr.text, /#\d+ \[2\/2\] RUN echo from-cli > \/cli.txt\n#\d+ DONE \d+\.\ds\n/);
    assert.match(readFileSync(iid, 'utf8'), /^sha256:[0-9a-f]{64}$/);
    const run = sink();
    assert.equal(await main(['--root', env.root, 'run', 'cli:1'], { ...io, stdout: run }), 0);
    assert.equal(run.text, 'from-cli\n');
    assert.equal(await main(['--root', env.root, 'run', 'cli:1', 'sh', '-c', 'exit 4'], io), 4);
    const failing = sink();
    const bad = context('FROM busybox\nRUN exit 9\n');
    assert.equal(
      await main(['--root', env.root, 'build', '--progress', 'plain', bad], { ...io, stderr: failing }),
      1,
    );
    assert.match(
      failing.text,
      /ERROR: failed to solve: process "\/bin\/sh -c exit 9" did not complete successfully: exit code: 9\n$/,
    );
  });

  it('berth build reads the Dockerfile (-f -) or the whole context (-) from stdin, as docker does', async () => {
    const dir = context('FROM busybox\nRUN exit 1\n');
    writeFileSync(join(dir, 'data.txt'), 'from-the-context\n');
    const run = async (args: string[], stdin: Buffer): Promise<string> => {
      const stderr = sink();
      const iid = join(dir, 'iid');
      const io = { stdin: Readable.from([stdin]), stdout: sink(), stderr };
      const code = await main(
        ['--root', env.root, 'build', '--progress', 'plain', '--iidfile', iid, ...args],
        io,
      );
      assert.equal(code, 0, stderr.text);
      return readFileSync(iid, 'utf8');
    };
    // -f -: the Dockerfile from stdin (the one in the context would fail), the context from PATH.
    const fromStdin = await run(['-f', '-', dir], Buffer.from('FROM busybox\nCOPY data.txt /data.txt\n'));
    assert.equal(await env.probe(fromStdin, ['cat', '/data.txt']), 'from-the-context\n');
    // -: a gzipped tar of the context, unpacked into a temp dir whose file digests are not kept.
    const digestsDir = join(env.root, 'build', 'file-digests');
    const remembered = () => (existsSync(digestsDir) ? readdirSync(digestsDir).length : 0);
    const before = remembered();
    writeFileSync(join(dir, 'Dockerfile'), 'FROM busybox\nCOPY data.txt /tarred.txt\n');
    const fromTar = await run(['-'], execFileSync('tar', ['-C', dir, '-czf', '-', 'Dockerfile', 'data.txt']));
    assert.equal(await env.probe(fromTar, ['cat', '/tarred.txt']), 'from-the-context\n');
    // -: a Dockerfile alone, with an empty context.
    const alone = await run(['-'], Buffer.from('FROM busybox\nRUN echo alone > /alone.txt\n'));
    assert.equal(await env.probe(alone, ['cat', '/alone.txt']), 'alone\n');
    assert.equal(remembered(), before);
  });

  it('pulls a base image it does not have, adds --label, warns about unused build args', async function () {
    if (!haveRegistry()) {
      skipBecause(this, 'needs docker-registry (apt-get install docker-registry, see .ci/setup)');
    }
    const registry = await startRegistry();
    try {
      const layoutDir = mkdtempSync(join(env.root, 'layout-'));
      skopeoPush(makeBusyboxLayout(layoutDir), `${registry.address}/base/busybox:1`);
      const backend = new LocalImageBackend(env.root, { insecureRegistries: [registry.address] });
      const events: BuildEvent[] = [];
      const result = await backend.build(
        {
          contextDir: context(`FROM ${registry.address}/base/busybox:1\nRUN echo pulled > /p\n`),
          tags: ['pulled:1'],
          labels: { 'org.example.team': 'builders' },
          buildArgs: { NOBODY_USES_ME: 'x' },
        },
        (e) => events.push(e),
      );
      assert.equal(await env.probe(result.id, ['cat', '/p']), 'pulled\n');
      const config = env.config('pulled:1') as {
        config: { Labels: Record<string, string> };
        history: unknown[];
      };
      assert.deepEqual(config.config.Labels, { 'org.example.team': 'builders' });
      assert.ok(
        events.some(
          (e) => e.kind === 'warning' && /build-args \[NOBODY_USES_ME\] were not consumed/.test(e.message),
        ),
      );
      assert.ok(
        events.some(
          (e) =>
            e.kind === 'step-start' &&
            e.name === `[internal] load metadata for ${registry.address}/base/busybox:1`,
        ),
      );
    } finally {
      await registry.stop();
    }
  });

  it('Ctrl-C on berth build kills the running step and leaves nothing mounted', async () => {
    const token = `cancel-me-${process.pid}-${Date.now()}`;
    const dir = context(`FROM busybox\nRUN echo started; sleep 600; echo ${token}\n`);
    const child = spawn(berthBin, ['--root', env.root, 'build', '--progress', 'plain', dir], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`the step never started:\n${stderr}`)), 60_000);
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/#\d+ [\d.]+ started\n/.test(stderr)) {
          clearTimeout(deadline);
          resolve();
        }
      });
    });
    child.kill('SIGINT');
    assert.equal(await exited, 130, stderr);
    assert.match(stderr, /ERROR: failed to solve: the build was cancelled\n$/);
    assert.match(stderr, /Dockerfile:2\n/);
    // The step's shell (its command line holds the token) is gone, and nothing of the store is mounted.
    const running = readdirSync('/proc')
      .filter((pid) => /^\d+$/.test(pid))
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(token);
        } catch {
          return false;
        }
      });
    assert.deepEqual(running, []);
    assert.ok(
      !readFileSync('/proc/self/mountinfo', 'utf8').includes(env.root),
      'a mount of the build is left',
    );
  });

  it('warns when several files are copied onto one path (no trailing "/"), where the last one wins', async () => {
    const dir = context('FROM busybox\nCOPY one.txt two.txt /onto\nCOPY one.txt two.txt /into/\n');
    writeFileSync(join(dir, 'one.txt'), 'one\n');
    writeFileSync(join(dir, 'two.txt'), 'two\n');
    const { result, events } = await env.build({ contextDir: dir });
    const warnings = events.filter((e) => e.kind === 'warning').map((e) => e.message);
    assert.deepEqual(warnings, [
      'COPY at line 2: 2 sources are copied onto "/onto", which does not end with "/": each lands on the same path and the last one wins (as BuildKit does); end the destination with "/" to copy them into a directory',
    ]);
    assert.equal(
      await env.probe(result.id, ['cat', '/onto', '/into/one.txt', '/into/two.txt']),
      'two\none\ntwo\n',
    );
  });

  it('prunes the cache: the next build runs every step again', async () => {
    const dir = context('FROM busybox\nRUN echo prune-me > /p\n');
    await env.build({ contextDir: dir });
    const pruned = new BuildCache(env.store).prune();
    assert.ok(pruned.keys.length > 0);
    const { events } = await env.build({ contextDir: dir });
    assert.ok(!events.some((e) => e.kind === 'step-cached' && e.step > 0));
  });
});
