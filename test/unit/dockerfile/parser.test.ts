import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dumpDockerfile, parseDockerfile } from '../../../engine/src/dockerfile';
import type { Dockerfile, Span } from '../../../engine/src/dockerfile';
import { fixturePath, corpusDockerfiles } from '../../helpers/fixtures';

const buildkit = fixturePath('buildkit-parser');

function parseErrors(df: Dockerfile): string[] {
  return df.errors.filter((e) => e.phase === 'parse').map((e) => e.message);
}

/** The source text a span covers. */
function textOf(df: Dockerfile, span: Span): string {
  return df.text.slice(span.startOffset, span.endOffset);
}

describe('parseDockerfile', () => {
  describe("BuildKit's parser test cases", () => {
    for (const name of readdirSync(join(buildkit, 'testfiles'))) {
      it(`${name} dumps as BuildKit's result`, () => {
        const df = parseDockerfile(readFileSync(join(buildkit, 'testfiles', name, 'Dockerfile'), 'utf8'));
        assert.deepEqual(parseErrors(df), []);
        assert.equal(
          dumpDockerfile(df) + '\n',
          readFileSync(join(buildkit, 'testfiles', name, 'result'), 'utf8'),
        );
      });
    }

    for (const name of readdirSync(join(buildkit, 'testfiles-negative'))) {
      it(`${name} is refused`, () => {
        const df = parseDockerfile(
          readFileSync(join(buildkit, 'testfiles-negative', name, 'Dockerfile'), 'utf8'),
        );
        assert.notDeepEqual(parseErrors(df), []);
      });
    }

    it('testfile-line: instructions span the lines BuildKit reports', () => {
      const df = parseDockerfile(readFileSync(join(buildkit, 'testfile-line', 'Dockerfile'), 'utf8'));
      const spans = df.instructions.map((i) => [i.range.start.line + 1, i.range.end.line + 1]);
      assert.deepEqual(spans, [
        [5, 5],
        [11, 12],
        [17, 31],
      ]);
    });
  });

  describe('ranges', () => {
    it('gives keyword, flags, flag names and values, and arguments', () => {
      const df = parseDockerfile('FROM alpine\nCOPY --from=build --chmod=644 a.txt /dst/\n');
      const copy = df.instructions[1];
      assert.equal(textOf(df, copy.keyword), 'COPY');
      assert.deepEqual(copy.keyword.range, {
        start: { line: 1, character: 0 },
        end: { line: 1, character: 4 },
      });
      assert.deepEqual(
        copy.flags.map((f) => [
          f.name,
          f.value,
          textOf(df, f),
          textOf(df, f.nameSpan),
          textOf(df, f.valueSpan!),
        ]),
        [
          ['from', 'build', '--from=build', 'from', 'build'],
          ['chmod', '644', '--chmod=644', 'chmod', '644'],
        ],
      );
      assert.deepEqual(
        copy.args.map((a) => [a.value, textOf(df, a)]),
        [
          ['a.txt', 'a.txt'],
          ['/dst/', '/dst/'],
        ],
      );
      assert.deepEqual(copy.args[1].range, {
        start: { line: 1, character: 36 },
        end: { line: 1, character: 41 },
      });
    });

    it('maps arguments across continuation lines, comments and blank lines', () => {
      const text = 'RUN apt-get update \\\n  # a comment\n\n  && apt-get install -y \\\n     curl\n';
      const df = parseDockerfile(text);
      const run = df.instructions[0];
      assert.equal(run.args[0].value, 'apt-get update   && apt-get install -y      curl');
      assert.deepEqual(run.range, { start: { line: 0, character: 0 }, end: { line: 4, character: 9 } });
      assert.equal(textOf(df, run.args[0]), text.slice(4, text.length - 1));
      assert.deepEqual(
        df.comments.map((c) => [c.text, c.inContinuation]),
        [['a comment', true]],
      );
      assert.equal(df.emptyContinuationLines.length, 1);
      assert.equal(df.emptyContinuationLines[0].range.start.line, 2);
    });

    it('counts characters in UTF-16 code units and handles CRLF, BOM and tabs', () => {
      const df = parseDockerfile('\ufeffFROM\talpine\r\nLABEL x="é😀" y=1\r\n');
      assert.equal(df.instructions.length, 2);
      const label = df.instructions[1];
      assert.equal(label.range.start.line, 1);
      const y = label.args.find((a) => a.role === 'key' && a.value === 'y')!;
      assert.deepEqual(y.range.start, { line: 1, character: 14 }); // 😀 counts 2
      assert.deepEqual(df.instructions[0].args[0].range.start, { line: 0, character: 6 });
    });

    it('locates variable references by name', () => {
      const df = parseDockerfile('FROM alpine\nENV A=1 B=${A:-x}\nRUN echo "$B" \'$NOT\' ${C}\n');
      const names = df.instructions.flatMap((i) =>
        i.variables.map((v) => [v.name, textOf(df, v.nameSpan), v.operator]),
      );
      assert.deepEqual(names, [
        ['A', 'A', ':-'],
        ['B', 'B', undefined],
        ['C', 'C', undefined],
      ]);
    });

    it('finds the instruction and stage at an offset', () => {
      const text = 'FROM a AS one\nRUN x\nFROM b\nRUN y\n';
      const df = parseDockerfile(text);
      assert.equal(df.instructionAt(text.indexOf('x'))?.name, 'RUN');
      assert.equal(df.stageAt(text.indexOf('y'))?.index, 1);
      assert.equal(df.stages[0].name, 'one');
      assert.equal(df.stages[0].instructions.length, 1);
    });
  });

  describe('directives', () => {
    it('reads syntax, escape and check, and uses the escape character', () => {
      const df = parseDockerfile(
        '# syntax=docker/dockerfile:1\n# escape=`\n# check=skip=all\nFROM a\nRUN a `\n  b\n',
      );
      assert.deepEqual(
        df.directives.map((d) => [d.name, d.value]),
        [
          ['syntax', 'docker/dockerfile:1'],
          ['escape', '`'],
          ['check', 'skip=all'],
        ],
      );
      assert.equal(df.escapeChar, '`');
      assert.equal(df.instructions[1].args[0].value, 'a   b');
    });

    it('stops reading directives at the first other line', () => {
      const df = parseDockerfile('# hello\n# escape=`\nFROM a\n');
      assert.deepEqual(df.directives, []);
      assert.equal(df.comments.length, 2);
    });

    it('reports a repeated directive and a bad escape token as BuildKit does', () => {
      const df = parseDockerfile('# escape=\\\n# escape=`\nFROM a\n');
      assert.deepEqual(parseErrors(df), ['only one escape parser directive can be used']);
      const bad = parseDockerfile('# escape=x\nFROM a\n');
      assert.deepEqual(parseErrors(bad), ["invalid escape token 'x' does not match ` or \\"]);
    });
  });

  describe('heredocs', () => {
    it('reads bodies of several heredocs on one line, in order', () => {
      const text = 'FROM a\nCOPY <<FILE1 <<"FILE2" /dest\ncontent 1\nFILE1\ncontent $2\nFILE2\nRUN true\n';
      const df = parseDockerfile(text);
      const copy = df.instructions[1];
      assert.deepEqual(
        copy.heredocs.map((h) => [h.name, h.content, h.expand, textOf(df, h.marker), textOf(df, h.nameSpan)]),
        [
          ['FILE1', 'content 1\n', true, '<<FILE1', 'FILE1'],
          ['FILE2', 'content $2\n', false, '<<"FILE2"', '"FILE2"'],
        ],
      );
      assert.equal(textOf(df, copy.heredocs[0].body), 'content 1');
      assert.equal(copy.range.end.line, 5);
      assert.equal(df.instructions[2].name, 'RUN');
    });

    it('strips tabs for <<- terminators and keeps the body as written', () => {
      const df = parseDockerfile('FROM a\nRUN <<-EOT bash\n\techo hi\n\tEOT\n');
      const [h] = df.instructions[1].heredocs;
      assert.equal(h.chomp, true);
      assert.equal(h.content, '\techo hi\n');
      assert.ok(h.terminator);
    });

    it('reports an unterminated heredoc and keeps what it read', () => {
      const df = parseDockerfile('FROM a\nRUN <<EOF\necho hi\n');
      assert.deepEqual(parseErrors(df), ['unterminated heredoc']);
      const [h] = df.instructions[1].heredocs;
      assert.equal(h.content, 'echo hi\n');
      assert.equal(h.terminator, undefined);
    });

    it('ignores heredoc markers in JSON form and in other instructions', () => {
      const df = parseDockerfile('FROM a\nRUN ["<<EOF"]\nUSER <<EOF\nEOF\n');
      assert.deepEqual(
        df.instructions.map((i) => i.heredocs.length),
        [0, 0, 0, 0],
      );
    });

    it('finds heredocs under ONBUILD and references in expandable bodies', () => {
      const df = parseDockerfile('FROM a\nONBUILD RUN <<EOF\necho $HOME\nEOF\n');
      const onbuild = df.instructions[1];
      assert.equal(onbuild.trigger?.name, 'RUN');
      assert.equal(onbuild.heredocs[0].content, 'echo $HOME\n');
      assert.deepEqual(
        onbuild.variables.map((v) => v.name),
        ['HOME'],
      );
    });
  });

  describe('errors', () => {
    it('reports errors with spans and goes on parsing', () => {
      const df = parseDockerfile('FROM a\nENV PATH\nCMD [1]\nRUN ok\n');
      assert.deepEqual(
        df.errors.map((e) => [e.message, e.range.start.line]),
        [
          ['ENV must have two arguments', 1],
          ['when using JSON array syntax, arrays must be comprised of strings only', 2],
        ],
      );
      assert.equal(df.instructions.length, 4);
    });
  });

  describe('the shared corpus of real-world Dockerfiles', () => {
    it('parses every file without a parser error', function () {
      const corpus = corpusDockerfiles();
      assert.equal(corpus.length, 274);
      const failures = corpus
        .filter((f) => parseErrors(parseDockerfile(f.text)).length > 0)
        .map((f) => f.name);
      assert.deepEqual(failures, []);
    });
  });
});
