// Builds documents from inline strings and runs the service on them, for the server's unit tests.
import type { Position, TextEdit } from 'vscode-languageserver-types';
import { DockerfileDocument } from '../../../engine/src/dockerfile/lint/document';
import { defaultEnvironment, type ServiceEnvironment } from '../../../engine/src/dockerfile/lint/environment';
import { lint } from '../../../engine/src/dockerfile/lint/rules/lint';
import type { Finding } from '../../../engine/src/dockerfile/lint/rules/rule';
import { readSettings } from '../../../engine/src/dockerfile/lint/settings';

let version = 0;

export function documentOf(text: string, uri = 'file:///project/Dockerfile'): DockerfileDocument {
  return new DockerfileDocument(uri, ++version, text);
}

/** An environment with every rule at its default, plus overrides (`{ rules: { X: 'error' } }`). */
export function environmentWith(
  settings: unknown = {},
  extra: Partial<ServiceEnvironment> = {},
): ServiceEnvironment {
  return { ...defaultEnvironment, settings: readSettings(settings), ...extra };
}

/** Findings of one rule on `text` that survive `# check=` and settings, with the rule enabled. */
export function findings(text: string, rule: string, environment?: ServiceEnvironment): Finding[] {
  const env = environment ?? environmentWith({ rules: { [rule]: 'warning' } });
  return lint(documentOf(text), env)
    .map((r) => r.finding)
    .filter((f) => f.rule.name === rule);
}

export function messages(text: string, rule: string, environment?: ServiceEnvironment): string[] {
  return findings(text, rule, environment).map((f) => f.message);
}

/** Applies non-overlapping edits to a text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const doc = documentOf(text).dockerfile;
  const sorted = edits
    .map((e) => ({ start: doc.offsetAt(e.range.start), end: doc.offsetAt(e.range.end), text: e.newText }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** The text after applying the preferred fix of every finding of `rule`. */
export function fixed(text: string, rule: string): string {
  const edits = findings(text, rule).flatMap((f) => f.fixes.find((x) => x.preferred)?.edits ?? []);
  return applyEdits(text, edits);
}

/** Splits `text` at the `|` marker: the text without it, and the marker's position. */
export function cursor(marked: string): { text: string; position: Position } {
  const at = marked.indexOf('|');
  const text = marked.slice(0, at) + marked.slice(at + 1);
  const before = text.slice(0, at).split('\n');
  return { text, position: { line: before.length - 1, character: before[before.length - 1].length } };
}
