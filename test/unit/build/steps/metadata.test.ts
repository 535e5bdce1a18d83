import * as assert from 'node:assert/strict';
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import { expandInstruction, parseDockerfile } from '../../../../engine/src/dockerfile';
import { StageState } from '../../../../engine/src/build/stage-state';
import { dispatchMetadata, type ArgInputs } from '../../../../engine/src/build/steps/metadata';
import { computeDiagnostics } from '../../../../server/src/diagnostics';
import { documentOf, environmentWith } from '../../server/helpers';

function run(text: string, inputs: Partial<ArgInputs> = {}): StageState {
  const state = StageState.fromImage(
    {
      platform: { architecture: 'amd64', os: 'linux' },
      config: { Env: ['PATH=/bin'], Cmd: ['sh'] },
      history: [],
      layers: [],
    },
    'k',
    '\\',
  );
  const args: ArgInputs = { buildArgs: {}, metaArgs: new Map(), consumed: new Set(), ...inputs };
  for (const instruction of parseDockerfile(`FROM x\n${text}`).stages[0].instructions) {
    // As the stage does: every instruction but ARG arrives expanded.
    const command =
      instruction.command!.kind === 'ARG'
        ? instruction.command!
        : expandInstruction(instruction, state.vars).command!;
    dispatchMetadata(state, command, args);
  }
  return state;
}

const history = (s: StageState) => s.image.history.map((h) => h.created_by);

describe('metadata instructions', () => {
  it('expands ENV pairs against the variables before the instruction', () => {
    const s = run('ENV A=1\nENV A=2 B=$A\n');
    assert.deepEqual(s.image.config.Env, ['PATH=/bin', 'A=2', 'B=1']);
    assert.deepEqual(history(s), ['ENV A=1', 'ENV A=2 B=1']);
  });

  it('gives ARGs their build-arg, default or global value and shows the definition', () => {
    const consumed = new Set<string>();
    const s = run('ARG A=1 B\nARG G\nARG U\nRUN true\n'.replace('RUN true\n', ''), {
      buildArgs: { B: 'bee' },
      metaArgs: new Map([['G', 'global']]),
      consumed,
    });
    assert.deepEqual(s.args, [
      { key: 'A', value: '1' },
      { key: 'B', value: 'bee' },
      { key: 'G', value: 'global' },
      { key: 'U', value: undefined },
    ]);
    assert.deepEqual(history(s), ['ARG A=1 B', 'ARG G', 'ARG U']);
    assert.deepEqual([...consumed], ['B']);
    assert.equal(s.env.get('G'), 'global');
    assert.equal(s.env.has('U'), false);
  });

  it('writes CMD, ENTRYPOINT and SHELL as BuildKit does', () => {
    const s = run('SHELL ["/bin/bash", "-c"]\nCMD echo hi\n');
    assert.deepEqual(s.image.config.Cmd, ['/bin/bash', '-c', 'echo hi']);
    assert.equal(s.image.config.ArgsEscaped, true);
    const e = run('ENTRYPOINT ["x"]\n');
    assert.equal(e.image.config.Cmd, null);
    assert.deepEqual(history(e), ['ENTRYPOINT ["x"]']);
    const both = run('CMD ["a"]\nENTRYPOINT echo x\n');
    assert.deepEqual(both.image.config.Cmd, ['a']);
    assert.deepEqual(both.image.config.Entrypoint, ['/bin/sh', '-c', 'echo x']);
    assert.deepEqual(history(run('SHELL ["/bin/sh", "-ec"]\n')), ['SHELL [/bin/sh -ec]']);
  });

  it('records EXPOSE, VOLUME, HEALTHCHECK, STOPSIGNAL, USER, LABEL, MAINTAINER, ONBUILD', () => {
    const s = run(
      'EXPOSE 80 53/udp 8000-8001\nVOLUME /a /b\nHEALTHCHECK --interval=5s --retries=3 CMD true\nSTOPSIGNAL SIGTERM\nUSER me\nLABEL "a b"=c\nMAINTAINER m\nONBUILD RUN x\n',
    );
    const c = s.image.config;
    assert.deepEqual(Object.keys(c.ExposedPorts!).sort(), ['53/udp', '80/tcp', '8000/tcp', '8001/tcp']);
    assert.deepEqual(c.Volumes, { '/a': {}, '/b': {} });
    assert.deepEqual(c.Healthcheck, { Test: ['CMD-SHELL', 'true'], Interval: 5e9, Retries: 3 });
    assert.equal(c.StopSignal, 'SIGTERM');
    assert.equal(c.User, 'me');
    assert.deepEqual(c.Labels, { 'a b': 'c' });
    assert.deepEqual(c.OnBuild, ['RUN x']);
    assert.equal(s.image.author, 'm');
    assert.deepEqual(history(s), [
      'EXPOSE map[53/udp:{} 80/tcp:{} 8000/tcp:{} 8001/tcp:{}]',
      'VOLUME [/a /b]',
      `HEALTHCHECK &{["CMD-SHELL" "true"] "5s" "0s" "0s" '\\x03'}`,
      'STOPSIGNAL SIGTERM',
      'USER me',
      'LABEL a b=c',
      'MAINTAINER m',
    ]);
  });

  it('refuses bad signals and ports', () => {
    assert.throws(() => run('STOPSIGNAL SIGNOPE\n'), /invalid signal: SIGNOPE/);
  });

  it('refuses the EXPOSE specs the language server flags, in the same words', () => {
    const specs = ['80/xyz', '99999', '8000-7000', '9-8/udp', '1:2-3:80-90', '127.0.0.1::', 'http'];
    for (const spec of specs) {
      const [diagnostic] = computeDiagnostics(
        documentOf(`FROM x\nEXPOSE ${spec}\n`),
        environmentWith({}),
      ).filter((d) => d.severity === DiagnosticSeverity.Error);
      assert.ok(diagnostic, `the language server flags EXPOSE ${spec}`);
      assert.throws(() => run(`EXPOSE ${spec}\n`), { message: diagnostic.message });
    }
    const state = run('EXPOSE 80 53/UDP 8000-8002/tcp 127.0.0.1:8080:90\n');
    assert.deepEqual(Object.keys(state.image.config.ExposedPorts!).sort(), [
      '53/udp',
      '80/tcp',
      '8000/tcp',
      '8001/tcp',
      '8002/tcp',
      '90/tcp',
    ]);
  });
});
