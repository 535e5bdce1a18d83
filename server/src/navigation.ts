// Definition, references, document highlights and rename for the two kinds of names a Dockerfile
// has: variables (ARG/ENV, with BuildKit's scoping) and build stages (FROM … AS, FROM <stage>,
// COPY --from, RUN --mount=from).
import {
  DocumentHighlightKind,
  type DocumentHighlight,
  type Location,
  type Position,
  type Range,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver-types';
import type { Span, Stage } from '../../engine/src/dockerfile/model';
import type { SymbolAt } from '../../engine/src/dockerfile/lint/analysis/symbols';
import type { DockerfileDocument } from '../../engine/src/dockerfile/lint/document';

/** A rename the user asked for that would break the Dockerfile; the message says why. */
export class RenameError extends Error {}

interface Occurrence {
  readonly span: Span;
  readonly write: boolean;
}

function symbolAt(document: DockerfileDocument, position: Position): SymbolAt | undefined {
  return document.symbols.symbolAt(document.dockerfile.offsetAt(position));
}

function stageOccurrences(document: DockerfileDocument, stage: Stage): Occurrence[] {
  const occurrences: Occurrence[] = [];
  if (stage.nameToken) occurrences.push({ span: stage.nameToken, write: true });
  for (const reference of document.symbols.stageReferences) {
    // References by index (`--from=0`) do not change with the name.
    if (
      reference.stage === stage &&
      !/^\d+$/.test(document.text.slice(reference.span.startOffset, reference.span.endOffset))
    ) {
      occurrences.push({ span: reference.span, write: false });
    }
  }
  return occurrences;
}

function occurrences(document: DockerfileDocument, symbol: SymbolAt): Occurrence[] {
  if (symbol.kind === 'stage') return stageOccurrences(document, symbol.stage);
  const symbols = document.symbols;
  const declarations = new Set(symbols.declarations.map((d) => d.nameSpan.startOffset));
  return symbols
    .variableOccurrences(symbol.name, symbol.declaration)
    .map((span) => ({ span, write: declarations.has(span.startOffset) }));
}

export function computeDefinition(document: DockerfileDocument, position: Position): Location[] {
  const symbol = symbolAt(document, position);
  if (!symbol) return [];
  const at = (span: Span): Location => ({ uri: document.uri, range: span.range });
  if (symbol.kind === 'stage') return [at(symbol.stage.nameToken ?? symbol.stage.from.keyword)];
  const declaration = symbol.declaration;
  if (!declaration) return [];
  const locations = [at(declaration.nameSpan)];
  // `ARG NAME` without a value inside a stage imports the global ARG: show where its value comes from.
  if (declaration.inherits) locations.push(at(declaration.inherits.nameSpan));
  return locations;
}

export function computeReferences(
  document: DockerfileDocument,
  position: Position,
  includeDeclaration: boolean,
): Location[] {
  const symbol = symbolAt(document, position);
  if (!symbol) return [];
  return occurrences(document, symbol)
    .filter((o) => includeDeclaration || !o.write)
    .map((o) => ({ uri: document.uri, range: o.span.range }));
}

export function computeHighlights(document: DockerfileDocument, position: Position): DocumentHighlight[] {
  const symbol = symbolAt(document, position);
  if (!symbol) return [];
  return occurrences(document, symbol).map((o) => ({
    range: o.span.range,
    kind: o.write ? DocumentHighlightKind.Write : DocumentHighlightKind.Read,
  }));
}

export function computePrepareRename(
  document: DockerfileDocument,
  position: Position,
): { range: Range; placeholder: string } | null {
  const symbol = symbolAt(document, position);
  if (!symbol) return null;
  if (symbol.kind === 'variable' && !symbol.declaration) {
    throw new RenameError(
      `$${symbol.name} is not declared in this Dockerfile, so it cannot be renamed here.`,
    );
  }
  if (
    symbol.kind === 'stage' &&
    /^\d+$/.test(document.text.slice(symbol.span.startOffset, symbol.span.endOffset))
  ) {
    throw new RenameError('This refers to a stage by its index; rename the stage at its FROM … AS name.');
  }
  return {
    range: symbol.span.range,
    placeholder: document.text.slice(symbol.span.startOffset, symbol.span.endOffset),
  };
}

export function computeRename(
  document: DockerfileDocument,
  position: Position,
  newName: string,
): WorkspaceEdit | null {
  const symbol = symbolAt(document, position);
  if (!symbol) return null;
  if (symbol.kind === 'stage' && !/^[a-z][a-z0-9-_.]*$/.test(newName.toLowerCase())) {
    throw new RenameError(
      `"${newName}" is not a valid stage name: it must start with a letter and contain only letters, digits, '-', '_' and '.'.`,
    );
  }
  if (symbol.kind === 'variable' && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(newName)) {
    throw new RenameError(
      `"${newName}" is not a valid variable name: use letters, digits and '_', not starting with a digit.`,
    );
  }
  const edits: TextEdit[] = occurrences(document, symbol).map((o) => ({
    range: o.span.range,
    newText: newName,
  }));
  return { changes: { [document.uri]: edits } };
}
