// Diagnostics for one document version: the parser's errors (what BuildKit would refuse, in its
// words), the build-time errors we can see without building, and the lint rules' findings.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import { buildErrors } from './buildErrors';
import type { DockerfileDocument } from '../../engine/src/dockerfile/lint/document';
import type { ServiceEnvironment } from '../../engine/src/dockerfile/lint/environment';
import { lint, type LintResult } from '../../engine/src/dockerfile/lint/rules/lint';
import type { Severity } from '../../engine/src/dockerfile/lint/settings';

export const diagnosticSource = 'berth';

const severities: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function computeDiagnostics(
  document: DockerfileDocument,
  environment: ServiceEnvironment,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const error of document.dockerfile.errors) {
    diagnostics.push({
      range: error.range,
      severity: DiagnosticSeverity.Error,
      source: diagnosticSource,
      message: error.message,
    });
  }
  for (const error of buildErrors(document)) {
    diagnostics.push({
      range: error.range,
      severity: DiagnosticSeverity.Error,
      source: diagnosticSource,
      message: error.message,
    });
  }
  for (const result of lint(document, environment)) diagnostics.push(toDiagnostic(result));
  return diagnostics;
}

export function toDiagnostic({ finding, severity }: LintResult): Diagnostic {
  const diagnostic: Diagnostic = {
    range: finding.range,
    severity: severities[severity],
    source: diagnosticSource,
    code: finding.rule.name,
    codeDescription: { href: finding.rule.url },
    message: finding.message,
  };
  if (finding.tags) diagnostic.tags = [...finding.tags];
  return diagnostic;
}
