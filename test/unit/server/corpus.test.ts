// Every service function on every real-world Dockerfile of the shared corpus: nothing throws,
// modern BuildKit syntax raises no syntax error or warning, and the rules find exactly what they
// found when the counts below were pinned (so speed work cannot silently drop findings).
import * as assert from 'node:assert/strict';
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import { computeCodeActions } from '../../../server/src/codeActions';
import { computeCompletion } from '../../../server/src/completion';
import { computeDiagnostics } from '../../../server/src/diagnostics';
import { computeFormatting } from '../../../server/src/formatting';
import { computeHover } from '../../../server/src/hover';
import { computeDocumentLinks } from '../../../server/src/links';
import { computeHighlights } from '../../../server/src/navigation';
import { computeDocumentSymbols, computeFoldingRanges } from '../../../server/src/outline';
import { computeSemanticTokens } from '../../../server/src/semanticTokens';
import { computeSignatureHelp } from '../../../server/src/signatureHelp';
import { corpusDockerfiles } from '../../helpers/fixtures';
import { documentOf, environmentWith } from './helpers';

describe('server on the shared corpus', function () {
  this.timeout(120_000);
  const corpus = corpusDockerfiles();

  it('reports the pinned number of findings per rule', function () {
    const environment = environmentWith();
    const counts: Record<string, number> = {};
    for (const { name, text } of corpus) {
      for (const d of computeDiagnostics(documentOf(text, `file:///corpus/${name}`), environment)) {
        const key = String(d.code ?? '(syntax)');
        counts[key] = (counts[key] ?? 0) + 1;
      }
    }
    // A change here must be a deliberate change of a rule, explained in its commit.
    assert.deepEqual(counts, {
      AddInsteadOfCopy: 2,
      AptGetNoInstallRecommends: 9,
      CdInsteadOfWorkdir: 5,
      ConsecutiveRunInstructions: 193,
      CopyRelativeDestination: 35,
      FromAsCasing: 26,
      ImageTagMissing: 32,
      InvalidDefaultArgInFrom: 2,
      JSONArgsRecommended: 2,
      LastUserRoot: 5,
      LegacyKeyValueFormat: 387,
      PackageCacheNotCleaned: 41,
      PipefailMissing: 170,
      SecretsUsedInArgOrEnv: 12,
      WgetProgressBar: 108,
      WorkdirRelativePath: 1,
    });
  });

  it('answers every request on every file without throwing, and reports no syntax error', function () {
    const environment = environmentWith();
    for (const { name, text } of corpus) {
      const document = documentOf(text, `file:///corpus/${name}`);
      const diagnostics = computeDiagnostics(document, environment);
      const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
      assert.deepEqual(
        errors.map((e) => `${name}:${e.range.start.line + 1}: ${e.message}`),
        [],
      );
      computeCodeActions(document, diagnostics, environment);
      computeSemanticTokens(document);
      computeDocumentSymbols(document);
      computeFoldingRanges(document);
      computeFormatting(document);
      computeDocumentLinks(document);
      // A handful of positions per file: starts of lines.
      const lines = text.split('\n').length;
      for (let line = 0; line < lines; line += Math.max(1, Math.floor(lines / 7))) {
        for (const character of [0, 1, 5, 12]) {
          const position = { line, character };
          computeCompletion(document, position, environment);
          computeHover(document, position, environment);
          computeSignatureHelp(document, position);
          computeHighlights(document, position);
        }
      }
    }
  });
});
