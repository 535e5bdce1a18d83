import * as assert from 'node:assert/strict';
import { parseDockerfile, type CommandOf } from '../../../../engine/src/dockerfile';
import { StageState } from '../../../../engine/src/build/stage-state';
import { runArgs, runHistory } from '../../../../engine/src/build/steps/run';

function setup(text: string): { state: StageState; command: CommandOf<'RUN'> } {
  const state = StageState.fromImage(
    {
      platform: { architecture: 'amd64', os: 'linux' },
      config: { Env: ['PATH=/bin'] },
      history: [],
      layers: [],
    },
    'k',
    '\\',
  );
  const run = parseDockerfile(`FROM x\n${text}`).stages[0].instructions.at(-1)!;
  return { state, command: run.command as CommandOf<'RUN'> };
}

describe('RUN', () => {
  it('runs shell form through the shell and exec form as is', () => {
    const shell = setup('RUN echo $HOME');
    assert.deepEqual(runArgs(shell.state, shell.command).args, ['/bin/sh', '-c', 'echo $HOME']);
    const exec = setup('RUN ["echo", "a b"]');
    assert.deepEqual(runArgs(exec.state, exec.command).args, ['echo', 'a b']);
  });

  it('turns heredocs into a command as BuildKit does', () => {
    const script = setup('RUN <<EOF\necho 1\necho 2\nEOF');
    assert.deepEqual(runArgs(script.state, script.command).args, ['/bin/sh', '-c', 'echo 1\necho 2\n']);
    const shebang = setup('RUN <<EOF\n#!/bin/sh\necho 1\nEOF');
    assert.deepEqual(runArgs(shebang.state, shebang.command), {
      args: ['/dev/pipes/EOF'],
      script: { name: 'EOF', data: '#!/bin/sh\necho 1\n' },
    });
    const piped = setup('RUN cat <<EOT > /x\nline\nEOT');
    assert.deepEqual(runArgs(piped.state, piped.command).args, [
      '/bin/sh',
      '-c',
      'cat <<EOT > /x\nline\nEOT',
    ]);
  });

  it('puts the declared ARGs in the history entry, ENV values winning', () => {
    const { state } = setup('RUN x');
    state.args.push({ key: 'A', value: '1' }, { key: 'U', value: undefined }, { key: 'C', value: '3' });
    state.env.set('C', 'env');
    assert.equal(runHistory(['/bin/sh', '-c', 'x'], state), 'RUN |3 A=1 U= C=env /bin/sh -c x # buildkit');
    state.args.length = 0;
    assert.equal(runHistory(['x'], state), 'RUN x # buildkit');
  });
});
