// A document made from the previous version (the server's way: its parse takes over the unchanged
// instructions of the previous one) must give the user exactly what a fresh document gives:
// diagnostics with their quick fixes, semantic tokens, the outline and folding.

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { computeCodeActions } from '../../../server/src/codeActions';
import { computeDiagnostics } from '../../../server/src/diagnostics';
import { DockerfileDocument } from '../../../engine/src/dockerfile/lint/document';
import { defaultEnvironment } from '../../../engine/src/dockerfile/lint/environment';
import { computeDocumentSymbols, computeFoldingRanges } from '../../../server/src/outline';
import { computeSemanticTokens } from '../../../server/src/semanticTokens';
import { corpusDockerfiles, fixturePath } from '../../helpers/fixtures';
import { edit } from '../../helpers/incremental';
import { random } from '../../helpers/mutate';

/** Everything the user sees of one document version, as one string. */
function whatTheUserSees(document: DockerfileDocument): string {
  const diagnostics = computeDiagnostics(document, defaultEnvironment);
  return JSON.stringify({
    diagnostics,
    actions: computeCodeActions(document, diagnostics, defaultEnvironment),
    tokens: computeSemanticTokens(document),
    symbols: computeDocumentSymbols(document),
    folding: computeFoldingRanges(document),
  });
}

function checkChain(name: string, text: string, steps: number, next: () => number): void {
  const uri = 'file:///project/Dockerfile';
  let version = 1;
  let document = new DockerfileDocument(uri, version, text);
  whatTheUserSees(document);
  for (let step = 0; step < steps; step++) {
    text = edit(text, next);
    version++;
    document = new DockerfileDocument(uri, version, text, document);
    const got = whatTheUserSees(document);
    const want = whatTheUserSees(new DockerfileDocument(uri, version, text));
    if (got !== want) {
      assert.equal(
        got,
        want,
        `${name}, edit ${step}: differs from a fresh document of ${JSON.stringify(text)}`,
      );
    }
  }
}

describe('documents made from the previous version', function () {
  this.timeout(120_000);

  it('show what fresh documents show, over random edits of corpus files', () => {
    const next = random(0xd0c5);
    corpusDockerfiles()
      .filter((_, i) => i % 4 === 0)
      .forEach(({ name, text }) => checkChain(name, text, 4, next));
  });

  for (const file of ['multistage-5k.Dockerfile', 'singlestage-5k.Dockerfile']) {
    it(`show what fresh documents show, over random edits of ${file}`, () => {
      checkChain(file, readFileSync(fixturePath('large', file), 'utf8'), 6, random(file.length * 104729));
    });
  }
});
