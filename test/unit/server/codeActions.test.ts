import * as assert from 'node:assert/strict';
import { computeCodeActions, fixAllKind } from '../../../server/src/codeActions';
import { computeDiagnostics } from '../../../server/src/diagnostics';
import { applyEdits, documentOf, environmentWith } from './helpers';

function actions(text: string) {
  const document = documentOf(text);
  const environment = environmentWith();
  const diagnostics = computeDiagnostics(document, environment);
  return { document, diagnostics, actions: computeCodeActions(document, diagnostics, environment) };
}

describe('server/codeActions', () => {
  it("offers each rule's fix, preferred, for its diagnostic", () => {
    const { document, actions: list } = actions('FROM alpine as build\n');
    const fix = list.find((a) => a.title === "Write 'AS'")!;
    assert.equal(fix.isPreferred, true);
    assert.equal(applyEdits(document.text, fix.edit!.changes![document.uri]), 'FROM alpine AS build\n');
  });

  it('skips a check in the file, creating or extending # check=skip', () => {
    const first = actions('FROM alpine as build\n');
    const skip = first.actions.find((a) => a.title === 'Skip FromAsCasing in this file')!;
    assert.equal(
      applyEdits(first.document.text, skip.edit!.changes![first.document.uri]),
      '# check=skip=FromAsCasing\nFROM alpine as build\n',
    );
    const extended = actions(
      '# syntax=docker/dockerfile:1\n# check=skip=UndefinedVar;error=false\nFROM alpine as build\n',
    );
    const skip2 = extended.actions.find((a) => a.title === 'Skip FromAsCasing in this file')!;
    assert.equal(
      applyEdits(extended.document.text, skip2.edit!.changes![extended.document.uri]),
      '# syntax=docker/dockerfile:1\n# check=skip=UndefinedVar,FromAsCasing;error=false\nFROM alpine as build\n',
    );
  });

  it('skips a check for one instruction with a check comment above it, which the linter then honours', () => {
    const { document, actions: list } = actions('FROM alpine\nENV A b\nENV C d\n');
    const skip = list.find((a) => a.title === 'Skip LegacyKeyValueFormat for this instruction')!;
    const text = applyEdits(document.text, skip.edit!.changes![document.uri]);
    assert.equal(text, 'FROM alpine\n# check=skip=LegacyKeyValueFormat\nENV A b\nENV C d\n');
    const after = computeDiagnostics(documentOf(text), environmentWith()).filter(
      (d) => d.code === 'LegacyKeyValueFormat',
    );
    assert.deepEqual(
      after.map((d) => d.range.start.line),
      [3],
    );
  });

  it("applies BuildKit's did-you-mean suggestions for syntax errors", () => {
    const { document, actions: list } = actions('FORM alpine\n');
    const change = list.find((a) => a.title === 'Change to FROM')!;
    assert.equal(applyEdits(document.text, change.edit!.changes![document.uri]), 'FROM alpine\n');
  });

  it('fixes everything fixable in one source action', () => {
    const { document, actions: list } = actions('FROM alpine as build\nMAINTAINER me\nENV A b\n');
    const all = list.find((a) => a.kind === fixAllKind)!;
    assert.equal(
      applyEdits(document.text, all.edit!.changes![document.uri]),
      'FROM alpine AS build\nLABEL org.opencontainers.image.authors="me"\nENV A=b\n',
    );
  });
});
