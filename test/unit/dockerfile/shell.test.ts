import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { processShellWord, variablesFrom } from '../../../engine/src/dockerfile';
import { fixturePath } from '../../helpers/fixtures';

/** Lines of one of BuildKit's shell-lexer data files, with their line numbers. */
function dataLines(name: string): Array<[number, string]> {
  return readFileSync(fixturePath('buildkit-shell', name), 'utf8')
    .split('\n')
    .map((line, i): [number, string] => [i + 1, line])
    .filter(([, line]) => line !== '' && !line.startsWith('#'));
}

describe('processShellWord', () => {
  it("expands every case of BuildKit's envVarTest", () => {
    const vars = variablesFrom({ PWD: '/home', SHELL: 'bash', KOREAN: '한국어', NULL: '' });
    for (const [lineNo, line] of dataLines('envVarTest')) {
      const [platform, source, expected] = line.split('|').map((s) => s.trim());
      if (platform === 'W') continue; // Windows-only cases
      const result = processShellWord(source, vars);
      if (expected === 'error') {
        assert.notEqual(result.error, undefined, `line ${lineNo}: ${source} should fail`);
      } else {
        assert.equal(result.error, undefined, `line ${lineNo}: ${source}`);
        assert.equal(result.value, expected, `line ${lineNo}: ${source}`);
      }
    }
  });

  it("splits every case of BuildKit's wordsTest", () => {
    const env: Record<string, string> = {};
    for (const [lineNo, line] of dataLines('wordsTest')) {
      if (line.startsWith('ENV ')) {
        const assignment = line.slice(3).replace(/^ +/, '');
        const eq = assignment.indexOf('=');
        env[assignment.slice(0, eq)] = assignment.slice(eq + 1);
        continue;
      }
      const bar = line.indexOf('|');
      const source = line.slice(0, bar).trim();
      const expected = line
        .slice(bar + 1)
        .replace(/^ +/, '')
        .split(',');
      const result = processShellWord(source, variablesFrom({ ...env }));
      const words = result.error === undefined ? result.words : ['error'];
      assert.deepEqual(words, expected, `line ${lineNo}: ${source}`);
    }
  });

  it('reports matched and unmatched variables', () => {
    const vars = variablesFrom({ FOO: 'xxx', BAR: '' });
    const r = processShellWord('${FOO:-aaa} ${BAR:-bbb} ${BAZ:-ccc}', vars);
    assert.equal(r.value, 'xxx bbb ccc');
    assert.deepEqual([...r.matched].sort(), ['BAR', 'FOO']);
    assert.deepEqual([...r.unmatched], ['BAZ']);
  });

  it('evaluates the prefix, suffix and replacement operators', () => {
    const vars = variablesFrom({
      FOO: 'xxyy',
      P: '/tmp/tmp/bar.txt',
      N: '/tmp',
      S: '/foo*/*/*.txt',
      W: '\\*/',
    });
    const cases: Array<[string, string]> = [
      ['${FOO#*x*y}', 'y'],
      ['${FOO##*x}', 'yy'],
      ['${FOO%y*}', 'xxy'],
      ['${FOO%%y*}', 'xx'],
      ['${P/$N/} - ${P//$N/}', '/tmp/bar.txt - /bar.txt'],
      ['${S/$W/.} - ${S//$W/.}', '/foo.*/*.txt - /foo..*.txt'],
      ['${P//\\//\\/}', '\\/tmp\\/tmp\\/bar.txt'],
      ['${FOO///}', 'xxyy'],
    ];
    for (const [input, expected] of cases) assert.equal(processShellWord(input, vars).value, expected, input);
  });

  it('fails on required variables with their message', () => {
    const r = processShellWord('${VAR:?message here$ARG}', variablesFrom({ VAR: '', ARG: 'x' }));
    assert.match(r.error ?? '', /VAR: message herex/);
    assert.equal(processShellWord('${VAR?m}', variablesFrom({ VAR: '' })).error, undefined);
  });

  it('uses the escape character of the Dockerfile', () => {
    assert.equal(processShellWord('a`$b c', variablesFrom({ b: 'B' }), { escapeChar: '`' }).value, 'a$b c');
  });
});
