// Document links: a FROM image to its page in its registry (Docker Hub, GHCR, MCR, Quay, ECR
// Public), and the `# syntax=` frontend image to its Docker Hub page.
import type { DocumentLink } from 'vscode-languageserver-types';
import { imagePageUrl, parseImageReference } from '../../engine/src/dockerfile/lint/analysis/imageReference';
import type { DockerfileDocument } from '../../engine/src/dockerfile/lint/document';

export function computeDocumentLinks(document: DockerfileDocument): DocumentLink[] {
  const dockerfile = document.dockerfile;
  const links: DocumentLink[] = [];
  const link = (span: { range: DocumentLink['range'] }, name: string) => {
    const reference = parseImageReference(name);
    const target = reference && imagePageUrl(reference);
    if (target)
      links.push({ range: span.range, target, tooltip: `Open ${reference.name} in ${reference.registry}` });
  };
  for (const directive of dockerfile.directives) {
    if (directive.name === 'syntax') link(directive.valueToken, directive.value);
  }
  for (const stage of dockerfile.stages) {
    const base = stage.base;
    if (!base || base.value.includes('$') || base.value.toLowerCase() === 'scratch') continue;
    if (document.symbols.baseStage(stage)) continue;
    link(base, base.value);
  }
  return links;
}
