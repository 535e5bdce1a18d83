import * as assert from 'node:assert/strict';
import { parseCommand, parseDockerfile } from '../../../../engine/src/dockerfile';
import type { CommandOf, Dockerfile } from '../../../../engine/src/dockerfile';

/** Errors of a Dockerfile as `message @ underlined text`. */
function errors(text: string): string[] {
  const df = parseDockerfile(text);
  return df.errors.map((e) => `${e.message} @ ${df.text.slice(e.startOffset, e.endOffset)}`);
}

/** The typed command of the instruction at `index`. */
function command<K extends CommandOf<never>['kind'] | string>(df: Dockerfile, index: number, kind: K) {
  const cmd = df.instructions[index].command;
  assert.equal(cmd?.kind, kind);
  return cmd as never;
}

describe('typed instructions', () => {
  describe("errors in BuildKit's words", () => {
    const cases: Array<[string, string]> = [
      ['FROM a\nFOO bar\n', 'unknown instruction: FOO (did you mean FROM?) @ FOO'],
      ['FROM a\nfoo bar\n', 'unknown instruction: foo (did you mean from?) @ foo'],
      ['FROM a\nXYZZY bar\n', 'unknown instruction: XYZZY @ XYZZY'],
      ['FROM a\nRUNN x\n', 'unknown instruction: RUNN (did you mean RUN?) @ RUNN'],
      ['FROM a\ncopyy a b\n', 'unknown instruction: copyy (did you mean copy?) @ copyy'],
      [
        'FROM a\nCOPY a\n',
        'COPY requires at least two arguments, but only one was provided. Destination could not be determined @ a',
      ],
      [
        'FROM a\nADD x\n',
        'ADD requires at least two arguments, but only one was provided. Destination could not be determined @ x',
      ],
      ['FROM a\nCOPY --boo=x a b\n', 'unknown flag: --boo @ --boo=x'],
      ['FROM a\nCOPY --chmown=x a b\n', 'unknown flag: --chmown (did you mean chown?) @ --chmown=x'],
      ['FROM a\nCOPY --link --link a b\n', 'duplicate flag specified: --link @ --link'],
      [
        'FROM a\nCOPY --link=maybe a b\n',
        'expecting boolean value for flag --link, not: maybe @ --link=maybe',
      ],
      ['FROM a\nCOPY --link= a b\n', 'missing a value on flag: --link @ --link='],
      ['FROM a\nCOPY --from a b\n', 'missing a value on flag: --from @ --from'],
      ['FROM a\nONBUILD FROM b\n', "FROM isn't allowed as an ONBUILD trigger @ FROM"],
      ['FROM a\nONBUILD ONBUILD RUN x\n', "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed @ ONBUILD"],
      ['FROM a\nONBUILD\n', 'ONBUILD requires at least one argument @ ONBUILD'],
      ['FROM\n', 'FROM requires either one or three arguments @ FROM'],
      ['FROM a b\n', 'FROM requires either one or three arguments @ a b'],
      [
        'FROM a AS 1st\n',
        'invalid name for build stage: "1st", name can\'t start with a number or contain symbols @ 1st',
      ],
      ['FROM a\nWORKDIR\n', 'WORKDIR requires exactly one argument @ WORKDIR'],
      ['FROM a\nUSER\n', 'USER requires exactly one argument @ USER'],
      ['FROM a\nEXPOSE\n', 'EXPOSE requires at least one argument @ EXPOSE'],
      ['FROM a\nENV\n', 'ENV requires at least one argument @ ENV'],
      ['FROM a\nENV =x\n', 'ENV names can not be blank @ ='],
      ['FROM a\nARG =x\n', 'ARG names can not be blank @ =x'],
      ['FROM a\nVOLUME [""]\n', 'VOLUME specified can not be an empty string @ ""'],
      ['FROM a\nSHELL sh -c\n', 'SHELL requires the arguments to be in JSON form @ sh -c'],
      ['FROM a\nSHELL []\n', 'SHELL requires at least one argument @ []'],
      ['FROM a\nHEALTHCHECK NONE x\n', 'HEALTHCHECK NONE takes no arguments @ NONE x'],
      ['FROM a\nHEALTHCHECK CMDX true\n', 'Unknown type "CMDX" in HEALTHCHECK (try CMD) @ CMDX'],
      ['FROM a\nHEALTHCHECK CMD\n', 'Missing command after HEALTHCHECK CMD @ CMD'],
      ['FROM a\nHEALTHCHECK --interval=5 CMD true\n', 'time: missing unit in duration "5" @ --interval=5'],
      [
        'FROM a\nHEALTHCHECK --timeout=1us CMD true\n',
        'Interval "timeout" cannot be less than 1ms @ --timeout=1us',
      ],
      [
        'FROM a\nHEALTHCHECK --retries=x CMD true\n',
        'strconv.ParseInt: parsing "x": invalid syntax @ --retries=x',
      ],
      ['FROM a\nHEALTHCHECK --retries=-1 CMD true\n', '--retries cannot be negative (-1) @ --retries=-1'],
      ['FROM a\nRUN --network=bridge true\n', 'invalid network mode "bridge" @ --network=bridge'],
      ['FROM a\nRUN --security=x true\n', 'security "x" is not valid @ --security=x'],
      [
        'FROM a\nRUN --mount=type=cahce,target=/x true\n',
        'unsupported mount type "cahce" (did you mean cache?) @ --mount=type=cahce,target=/x',
      ],
      [
        'FROM a\nRUN --mount=from=$X,target=/x true\n',
        "'from' doesn't support variable expansion, define alias stage instead @ --mount=from=$X,target=/x",
      ],
      [
        'FROM a\nRUN --mount=type=secret true\n',
        'invalid secret mount. one of source, target required @ --mount=type=secret',
      ],
      [
        'FROM a\nRUN --mount=type=bind,size=1m true\n',
        "unexpected key 'size' for mount type 'bind' @ --mount=type=bind,size=1m",
      ],
      [
        'FROM a\nRUN --mount=target=/x,tagret=/y true\n',
        "unexpected key 'tagret' in 'tagret=/y' (did you mean target?) @ --mount=target=/x,tagret=/y",
      ],
      [
        'FROM a\nCOPY <<EOF <<EOF2\nx\nEOF\ny\nEOF2\n',
        'COPY cannot accept a heredoc as a destination @ <<EOF2',
      ],
      ['RUN x\nFROM a\n', 'no build stage in current context @ RUN'],
      ['FROM a\nSTOPSIGNAL\n', 'STOPSIGNAL requires exactly one argument @ STOPSIGNAL'],
      ['FROM a\nMAINTAINER\n', 'MAINTAINER requires exactly one argument @ MAINTAINER'],
    ];
    for (const [text, expected] of cases) {
      it(expected, () => assert.deepEqual(errors(text), [expected]));
    }

    it('has no errors for modern syntax', () => {
      const text = [
        '# syntax=docker/dockerfile:1',
        'ARG BASE=alpine',
        'FROM alpine AS deps',
        'FROM --platform=$BUILDPLATFORM ${BASE} AS build',
        'RUN --mount=type=cache,target=/root/.cache,sharing=locked --mount=type=secret,id=tok,required --network=none --security=sandbox --device=vendor.com/gpu=all true',
        'COPY --link --chmod=755 --parents --exclude=*.md --exclude=tmp --from=deps /a /b',
        'ADD --checksum=sha256:0123 --keep-git-dir=true --unpack=false --link https://x/y.tar /y',
        'HEALTHCHECK --interval=30s --timeout=1m30s --start-period=5s --start-interval=1s --retries=3 CMD ["true"]',
        'ENV legacy value',
        'FROM build',
        'COPY <<EOF /x',
        'hi',
        'EOF',
      ].join('\n');
      assert.deepEqual(errors(text), []);
    });
  });

  describe('commands', () => {
    it('FROM: base, stage name, platform', () => {
      const df = parseDockerfile('FROM --platform=linux/arm64 golang:1.22 AS Build\n');
      const from = command(df, 0, 'FROM') as CommandOf<'FROM'>;
      assert.deepEqual([from.baseName, from.name, from.platform], ['golang:1.22', 'build', 'linux/arm64']);
    });

    it('RUN: shell and exec form, mounts, network, heredoc files', () => {
      const df = parseDockerfile(
        'FROM a\nRUN --mount=type=cache,target=/c --network=host echo $HOME\nRUN ["echo", "hi"]\nRUN <<EOT\necho hi\nEOT\n',
      );
      const shell = command(df, 1, 'RUN') as CommandOf<'RUN'>;
      assert.deepEqual(shell.cmdLine, ['echo $HOME']);
      assert.equal(shell.prependShell, true);
      assert.equal(shell.network, 'host');
      assert.deepEqual(
        shell.mounts.map((m) => [m.type, m.target, m.readOnly]),
        [['cache', '/c', false]],
      );
      assert.deepEqual([...shell.flagsUsed].sort(), ['mount', 'network']);
      const exec = command(df, 2, 'RUN') as CommandOf<'RUN'>;
      assert.deepEqual([exec.cmdLine, exec.prependShell], [['echo', 'hi'], false]);
      const heredoc = command(df, 3, 'RUN') as CommandOf<'RUN'>;
      assert.deepEqual(heredoc.files, [{ name: 'EOT', data: 'echo hi\n', chomp: false }]);
    });

    it('COPY: sources, heredoc contents, destination and flags', () => {
      const df = parseDockerfile(
        'FROM a\nCOPY --from=b --chown=1:1 --exclude=x --exclude=y a <<-EOF /d/\n\thi\nEOF\n',
      );
      const copy = command(df, 1, 'COPY') as CommandOf<'COPY'>;
      assert.deepEqual(copy.sourcePaths, ['a']);
      assert.deepEqual(copy.sourceContents, [{ path: 'EOF', data: 'hi\n', expand: true }]);
      assert.equal(copy.destPath, '/d/');
      assert.deepEqual([copy.from, copy.chown, copy.excludePatterns], ['b', '1:1', ['x', 'y']]);
    });

    it('ADD: optional booleans stay undefined when not given', () => {
      const df = parseDockerfile('FROM a\nADD --unpack x /y\nADD x /y\n');
      const given = command(df, 1, 'ADD') as CommandOf<'ADD'>;
      const absent = command(df, 2, 'ADD') as CommandOf<'ADD'>;
      assert.deepEqual([given.unpack, given.keepGitDir, absent.unpack], [true, undefined, undefined]);
    });

    it('ENV and LABEL: pairs with the legacy form marked', () => {
      const df = parseDockerfile('FROM a\nENV A=1 B="x y"\nENV C some value\nLABEL k=v\n');
      const env = command(df, 1, 'ENV') as CommandOf<'ENV'>;
      assert.deepEqual(
        env.env.map((p) => [p.key, p.value, p.legacy]),
        [
          ['A', '1', false],
          ['B', '"x y"', false],
        ],
      );
      const legacy = command(df, 2, 'ENV') as CommandOf<'ENV'>;
      assert.deepEqual(
        legacy.env.map((p) => [p.key, p.value, p.legacy]),
        [['C', 'some value', true]],
      );
      assert.equal((command(df, 3, 'LABEL') as CommandOf<'LABEL'>).labels[0].key, 'k');
    });

    it('ARG: names, defaults and doc comments', () => {
      const df = parseDockerfile('# VERSION the version to build\nARG VERSION=1.0 OTHER\nFROM a\n');
      const arg = command(df, 0, 'ARG') as CommandOf<'ARG'>;
      assert.deepEqual(
        arg.args.map((a) => [a.key, a.value, a.docComment]),
        [
          ['VERSION', '1.0', 'the version to build'],
          ['OTHER', undefined, ''],
        ],
      );
    });

    it('HEALTHCHECK: durations in nanoseconds, shell form as CMD-SHELL', () => {
      const df = parseDockerfile('FROM a\nHEALTHCHECK --interval=1m30s --retries=5 CMD curl -f http://x/\n');
      const hc = command(df, 1, 'HEALTHCHECK') as CommandOf<'HEALTHCHECK'>;
      assert.deepEqual(hc.test, ['CMD-SHELL', 'curl -f http://x/']);
      assert.equal(hc.interval, 90e9);
      assert.equal(hc.retries, 5);
    });

    it('EXPOSE sorts ports; ONBUILD keeps its trigger expression', () => {
      const df = parseDockerfile('FROM a\nEXPOSE 8080 443/tcp 80\nONBUILD RUN echo hi\n');
      assert.deepEqual((command(df, 1, 'EXPOSE') as CommandOf<'EXPOSE'>).ports, ['443/tcp', '80', '8080']);
      assert.equal((command(df, 2, 'ONBUILD') as CommandOf<'ONBUILD'>).expression, 'RUN echo hi');
    });

    it('checks an ONBUILD trigger on demand', () => {
      const df = parseDockerfile('FROM a\nONBUILD RUNX x\n');
      assert.deepEqual(df.errors, []);
      const result = parseCommand(df.instructions[1].trigger!);
      assert.ok('error' in result && result.error.message.startsWith('unknown instruction: RUNX'));
    });
  });
});
