import * as assert from 'node:assert/strict';
import { FoldingRangeKind, SymbolKind } from 'vscode-languageserver-types';
import { computeDocumentSymbols, computeFoldingRanges } from '../../../server/src/outline';
import { documentOf } from './helpers';

const text = 'ARG V=1\n# a\n# b\nFROM alpine AS build\nRUN a \\\n  b\nFROM build\nCMD ["x"]\n';

describe('server/outline', () => {
  it('lists global ARGs, then stages containing their instructions', () => {
    const symbols = computeDocumentSymbols(documentOf(text));
    assert.deepEqual(
      symbols.map((s) => [s.name, s.kind, s.children?.map((c) => c.name)]),
      [
        ['ARG', SymbolKind.Variable, undefined],
        ['build', SymbolKind.Class, ['RUN']],
        ['stage 1', SymbolKind.Class, ['CMD']],
      ],
    );
  });

  it('folds stages, multi-line instructions and comment blocks', () => {
    const ranges = computeFoldingRanges(documentOf(text)).map((r) => [r.startLine, r.endLine, r.kind]);
    assert.deepEqual(ranges, [
      [1, 2, FoldingRangeKind.Comment],
      [3, 5, undefined],
      [4, 5, undefined],
      [6, 7, undefined],
    ]);
  });
});
