import * as assert from 'node:assert/strict';
import { expandInstruction, parseDockerfile, variablesFrom } from '../../../engine/src/dockerfile';
import type { CommandOf } from '../../../engine/src/dockerfile';

const vars = variablesFrom({ APP: '/srv/app', USER: 'app', PORTS: '80 443', ID: 'pip', EMPTY: '' });

function expanded(line: string) {
  const df = parseDockerfile(`FROM a\n${line}\n`);
  assert.deepEqual(df.errors, []);
  return expandInstruction(df.instructions[1], vars, df.escapeChar);
}

describe('expandInstruction', () => {
  it('expands the words BuildKit expands and reports unset variables', () => {
    const r = expanded('COPY --chown=$USER --from=img ${SRC:-src} $APP/');
    const copy = r.command as CommandOf<'COPY'>;
    assert.deepEqual(
      [copy.chown, copy.from, copy.sourcePaths, copy.destPath],
      ['app', 'img', ['src'], '/srv/app/'],
    );
    assert.deepEqual([...r.matched].sort(), ['APP', 'USER']);
    assert.deepEqual([...r.unmatched], ['SRC']);
  });

  it('expands ENV keys and values with the values before the instruction', () => {
    const env = expanded('ENV HOME=$APP OTHER="$USER x"').command as CommandOf<'ENV'>;
    assert.deepEqual(
      env.env.map((p) => [p.key, p.value]),
      [
        ['HOME', '/srv/app'],
        ['OTHER', 'app x'],
      ],
    );
  });

  it('splits EXPOSE ports after expansion and leaves shell commands alone', () => {
    assert.deepEqual((expanded('EXPOSE $PORTS 8080').command as CommandOf<'EXPOSE'>).ports, [
      '80',
      '443',
      '8080',
    ]);
    assert.deepEqual((expanded('RUN echo $APP').command as CommandOf<'RUN'>).cmdLine, ['echo $APP']);
  });

  it('re-checks RUN mounts with expanded values', () => {
    const run = expanded('RUN --mount=type=cache,id=$ID,target=$APP/.cache true').command as CommandOf<'RUN'>;
    assert.deepEqual([run.mounts[0].cacheId, run.mounts[0].target], ['pip', '/srv/app/.cache']);
    const bad = expanded('RUN --mount=type=${EMPTY:-tmpfs},target=/t,uid=1 true');
    assert.equal(bad.error, 'uid not allowed for "tmpfs" type mounts');
  });

  it('expands heredoc files unless the delimiter is quoted, keeping quotes', () => {
    const df = parseDockerfile("FROM a\nCOPY <<A <<'B' /d/\n'$USER'\nA\n$USER\nB\n");
    const copy = expandInstruction(df.instructions[1], vars).command as CommandOf<'COPY'>;
    assert.deepEqual(
      copy.sourceContents.map((c) => c.data),
      ["'app'\n", '$USER\n'],
    );
  });

  it("returns BuildKit's error for a word that cannot be expanded", () => {
    const r = expanded('WORKDIR ${APP:?}/${MISSING:?set MISSING}');
    assert.equal(r.command, undefined);
    assert.equal(r.error, 'failed to process "${APP:?}/${MISSING:?set MISSING}": MISSING: set MISSING');
  });
});
