import * as assert from 'node:assert/strict';
import {
  computeDefinition,
  computeHighlights,
  computePrepareRename,
  computeReferences,
  computeRename,
  RenameError,
} from '../../../server/src/navigation';
import { applyEdits, cursor, documentOf } from './helpers';

function at(marked: string) {
  const { text, position } = cursor(marked);
  return { document: documentOf(text), position, text };
}

describe('server/navigation', () => {
  const stages =
    'FROM golang AS build\nFROM alpine\nCOPY --from=build /a /a\nRUN --mount=from=build,target=/b ls\nFROM build';

  it('goes to a stage definition from --from, mounts and FROM', () => {
    for (const marked of [
      stages.replace('--from=build', '--from=bu|ild'),
      stages.replace('mount=from=build', 'mount=from=bu|ild'),
      `${stages}|`,
    ]) {
      const { document, position } = at(marked);
      const [location] = computeDefinition(document, position);
      assert.deepEqual(location.range, {
        start: { line: 0, character: 15 },
        end: { line: 0, character: 20 },
      });
    }
  });

  it('finds every reference to a stage, and renames them all', () => {
    const { document, position, text } = at(stages.replace('AS build', 'AS bu|ild'));
    assert.equal(computeReferences(document, position, true).length, 4);
    assert.equal(computeHighlights(document, position).length, 4);
    const edit = computeRename(document, position, 'compile')!;
    assert.equal(
      applyEdits(text, edit.changes![document.uri]),
      'FROM golang AS compile\nFROM alpine\nCOPY --from=compile /a /a\nRUN --mount=from=compile,target=/b ls\nFROM compile',
    );
  });

  it('renames a global ARG with the stage ARGs that import it', () => {
    const { document, position, text } = at(
      'ARG VER|SION=1\nFROM alpine:$VERSION\nARG VERSION\nRUN echo $VERSION\nFROM alpine\nENV VERSION=2',
    );
    const edit = computeRename(document, position, 'RELEASE')!;
    assert.equal(
      applyEdits(text, edit.changes![document.uri]),
      'ARG RELEASE=1\nFROM alpine:$RELEASE\nARG RELEASE\nRUN echo $RELEASE\nFROM alpine\nENV VERSION=2',
    );
  });

  it('goes from a use to the declaration in scope and the global it imports', () => {
    const { document, position } = at('ARG V=1\nFROM alpine\nARG V\nRUN echo $|V');
    assert.deepEqual(
      computeDefinition(document, position).map((l) => l.range.start.line),
      [2, 0],
    );
  });

  it('refuses renames that would break the file, with a reason', () => {
    const stage = at('FROM alpine AS bu|ild');
    assert.throws(() => computeRename(stage.document, stage.position, '1bad'), RenameError);
    const undeclared = at('FROM alpine\nRUN echo $HO|ME');
    assert.throws(() => computePrepareRename(undeclared.document, undeclared.position), /not declared/);
  });
});
