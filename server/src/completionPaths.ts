// Paths from the build context for COPY/ADD sources. The context is the Dockerfile's directory
// (what `docker build .` next to it sends); entries come from the environment's file view, which
// the server backs with the local disk and tests back with a map.
import { CompletionItemKind, type CompletionItem, type Range } from 'vscode-languageserver-types';
import type { DockerfileDocument } from '../../engine/src/dockerfile/lint/document';
import { contextDirectory, type ServiceEnvironment } from '../../engine/src/dockerfile/lint/environment';

export function pathCompletions(
  document: DockerfileDocument,
  environment: ServiceEnvironment,
  typed: string,
  range: Range,
): CompletionItem[] {
  const context = contextDirectory(document.uri);
  if (!context || !environment.files || typed.startsWith('/') || typed.includes('$')) return [];
  const directory = typed.slice(0, typed.lastIndexOf('/') + 1).replace(/^\.\//, '');
  if (directory.split('/').includes('..')) return [];
  const entries = environment.files.list(context + directory.split('/').map(encodeURIComponent).join('/'));
  if (!entries) return [];
  return entries
    .filter((entry) => entry !== '.git/')
    .map((entry) => {
      const folder = entry.endsWith('/');
      return {
        label: entry,
        kind: folder ? CompletionItemKind.Folder : CompletionItemKind.File,
        sortText: `${folder ? 0 : 1}${entry}`,
        textEdit: { range, newText: entry },
        command: folder ? { title: 'Suggest', command: 'editor.action.triggerSuggest' } : undefined,
      };
    });
}
