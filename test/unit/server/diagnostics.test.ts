import * as assert from 'node:assert/strict';
import { DiagnosticSeverity, DiagnosticTag } from 'vscode-languageserver-types';
import { computeDiagnostics } from '../../../server/src/diagnostics';
import { documentOf, environmentWith } from './helpers';

function diagnose(text: string, settings: unknown = {}) {
  return computeDiagnostics(documentOf(text), environmentWith(settings));
}

describe('server/diagnostics', () => {
  it("reports syntax errors in BuildKit's words, all of them, not only the first", () => {
    const messages = diagnose(
      'FROM alpine\nFOO bar\nRUN --bogus=1 ls\nHEALTHCHECK --interval=5 CMD true\nCOPY a\n',
    )
      .filter((d) => d.severity === DiagnosticSeverity.Error)
      .map((d) => d.message);
    assert.deepEqual(messages, [
      'unknown instruction: FOO (did you mean FROM?)',
      'unknown flag: --bogus',
      'time: missing unit in duration "5"',
      'COPY requires at least two arguments, but only one was provided. Destination could not be determined',
    ]);
  });

  it('reports invalid EXPOSE ports and check options as build errors', () => {
    const errors = diagnose('# check=skip=A;bogus=1\nFROM alpine\nEXPOSE 70000 80/xyz\n').filter(
      (d) => d.severity === DiagnosticSeverity.Error,
    );
    assert.deepEqual(
      errors.map((d) => d.message),
      [
        'failed to parse check options: invalid check option "bogus"',
        'invalid containerPort: 70000',
        'invalid port: "80/xyz": invalid proto: xyz',
      ],
    );
  });

  it('reports STOPSIGNAL values the builder refuses, and leaves variables and good signals alone', () => {
    const text =
      'FROM alpine\nSTOPSIGNAL SIGBOGUS\nSTOPSIGNAL 0\nSTOPSIGNAL $SIG\nSTOPSIGNAL sigterm\nSTOPSIGNAL 9\nSTOPSIGNAL RTMIN+3\n';
    const errors = diagnose(text).filter((d) => d.severity === DiagnosticSeverity.Error);
    assert.deepEqual(
      errors.map((d) => [d.range.start.line, d.message]),
      [
        [1, 'invalid signal: SIGBOGUS'],
        [2, 'invalid signal: 0'],
      ],
    );
  });

  it('reports a FROM base that is blank whatever the build args, and not one a build arg can fill', () => {
    const blank = (text: string) =>
      diagnose(text)
        .filter((d) => d.severity === DiagnosticSeverity.Error)
        .map((d) => d.message);
    assert.deepEqual(blank('FROM ${NOPE}\n'), ['base name (${NOPE}) should not be blank']);
    assert.deepEqual(blank('FROM $NOPE${ALSO:-}\n'), ['base name ($NOPE${ALSO:-}) should not be blank']);
    assert.deepEqual(blank('ARG BASE\nFROM ${BASE}\n'), []);
    assert.deepEqual(blank('ARG BASE=""\nFROM ${BASE}\n'), []);
    assert.deepEqual(blank('FROM ${NOPE:-busybox}\n'), []);
  });

  it('gives rule diagnostics their name as code, a docs link and tags', () => {
    const [maintainer] = diagnose('FROM alpine\nMAINTAINER me\n').filter(
      (d) => d.code === 'MaintainerDeprecated',
    );
    assert.equal(
      maintainer.codeDescription?.href,
      'https://docs.docker.com/go/dockerfile/rule/maintainer-deprecated/',
    );
    assert.deepEqual(maintainer.tags, [DiagnosticTag.Deprecated]);
    assert.equal(maintainer.source, 'berth');
  });

  it('honours # check=skip, skip=all and error=true', () => {
    const text = 'FROM alpine:3 as build\nENV A b\n';
    assert.deepEqual(
      diagnose(`# check=skip=FromAsCasing\n${text}`).map((d) => d.code),
      ['LegacyKeyValueFormat'],
    );
    assert.deepEqual(diagnose(`# check=skip=all\n${text}`), []);
    const errors = diagnose(`# check=error=true\n${text}`);
    assert.ok(errors.length === 2 && errors.every((d) => d.severity === DiagnosticSeverity.Error));
  });

  it('applies per-rule severity settings', () => {
    const text = 'FROM alpine:3 as build\nENV A b\n';
    const diagnostics = diagnose(text, { rules: { FromAsCasing: 'off', LegacyKeyValueFormat: 'error' } });
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.severity]),
      [['LegacyKeyValueFormat', DiagnosticSeverity.Error]],
    );
  });

  it('never throws on hostile input', () => {
    for (const text of [
      '',
      '\\',
      'FROM',
      '# escape=`\nFROM x\nRUN a `',
      'FROM a\nRUN <<EOF',
      '\u0000\uffff',
      'ARG ${',
      'FROM $',
      'COPY --from= a b',
    ]) {
      assert.doesNotThrow(() => diagnose(text));
    }
  });
});
