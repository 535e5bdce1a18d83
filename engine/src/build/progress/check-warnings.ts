// How a build lists the findings of BuildKit's checks once it is done, in BuildKit's words:
//
//   1 warning found:
//    - JSONArgsRecommended: JSON arguments recommended for CMD to prevent unintended behavior related to OS signals (line 5)
//
// (BuildKit adds "use docker --debug to expand" to the first line; there is nothing more to expand
// here, so it is left out.)
import type { CheckFinding } from '../../dockerfile/lint/buildChecks';

/** BuildKit's line for one finding. */
export function findingLine(finding: CheckFinding): string {
  return ` - ${finding.rule}: ${finding.message} (line ${finding.line})`;
}

/** The block listing every finding, each line ending in a newline. */
export function checkWarningsText(findings: readonly CheckFinding[]): string {
  const count = `${findings.length} warning${findings.length === 1 ? '' : 's'} found:`;
  return [count, ...findings.map(findingLine)].map((line) => `${line}\n`).join('');
}
