// Completion: instructions (with snippets), ONBUILD triggers, flags and their values per
// instruction, RUN --mount options, directives and check names, stage names, variables in scope,
// image names and tags (curated and local), and paths from the build context for COPY/ADD.
import {
  CompletionItemKind,
  InsertTextFormat,
  MarkupKind,
  type CompletionItem,
  type CompletionList,
  type Position,
  type Range,
} from 'vscode-languageserver-types';
import type { Dockerfile, Instruction } from '../../engine/src/dockerfile/model';
import { stageBefore } from '../../engine/src/dockerfile/lint/analysis/locate';
import {
  automaticPlatformArgs,
  directiveDocs,
  predefinedArgs,
} from '../../engine/src/dockerfile/lint/data/directives';
import { curatedImages, curatedImage } from '../../engine/src/dockerfile/lint/data/images';
import {
  instructionDoc,
  instructionDocs,
  mountKeys,
  onbuildForbidden,
  type FlagDoc,
} from './data/instructions';
import { pathCompletions } from './completionPaths';
import type { DockerfileDocument } from '../../engine/src/dockerfile/lint/document';
import type { ServiceEnvironment } from '../../engine/src/dockerfile/lint/environment';
import { instructionMarkdown } from './hover';
import { allRules } from '../../engine/src/dockerfile/lint/rules/index';

export const completionTriggers = ['-', '=', '$', '{', ':', '/', ',', ' '];

const signals = [
  'SIGTERM',
  'SIGINT',
  'SIGQUIT',
  'SIGKILL',
  'SIGHUP',
  'SIGUSR1',
  'SIGUSR2',
  'SIGWINCH',
  'SIGSTOP',
];

interface Request {
  readonly document: DockerfileDocument;
  readonly dockerfile: Dockerfile;
  readonly position: Position;
  readonly offset: number;
  /** The line's text up to the cursor. */
  readonly before: string;
  readonly environment: ServiceEnvironment;
}

export function computeCompletion(
  document: DockerfileDocument,
  position: Position,
  environment: ServiceEnvironment,
): CompletionList {
  const dockerfile = document.dockerfile;
  const offset = dockerfile.offsetAt(position);
  const lineStart = offset - position.character;
  const request: Request = {
    document,
    dockerfile,
    position,
    offset,
    before: document.text.slice(lineStart, offset),
    environment,
  };
  return { isIncomplete: false, items: items(request) };
}

function replaceRange(request: Request, length: number): Range {
  const { position } = request;
  return { start: { line: position.line, character: position.character - length }, end: position };
}

function items(request: Request): CompletionItem[] {
  const { before, dockerfile, offset } = request;
  const comment = /^\s*#\s*(.*)$/.exec(before);
  if (comment) return commentItems(request, comment[1]);

  // Variables: `$NA` or `${NA`.
  const variable = /\$\{?([A-Za-z_][A-Za-z0-9_]*)?$/.exec(before);
  const instruction = dockerfile.instructionAt(offset) ?? dockerfile.instructionAt(offset - 1);
  if (variable && instruction && !/^\s*$/.test(before.slice(0, before.length - variable[0].length))) {
    return variableItems(request, variable[1] ?? '', variable[0].startsWith('${'));
  }

  const inHeredoc = instruction?.heredocs.some(
    (h) => h.body.startOffset <= offset && offset <= (h.terminator ?? h.body).endOffset,
  );
  if (inHeredoc) return [];

  // Keyword position: only a word (or nothing) before the cursor on a line that starts an instruction.
  const keyword = /^\s*([A-Za-z]*)$/.exec(before);
  const continuing = instruction && instruction.range.start.line < request.position.line;
  if (keyword && !continuing)
    return instructionItems(request, keyword[1], instruction === undefined || keyword[1].length > 0);

  if (!instruction) return [];
  const target =
    instruction.trigger && offset >= instruction.trigger.keyword.startOffset
      ? instruction.trigger
      : instruction;
  const onbuild = /^\s*onbuild\s+([A-Za-z]*)$/i.exec(before);
  if (onbuild) return instructionItems(request, onbuild[1], false, true);
  return argumentItems(request, target);
}

function commentItems(request: Request, text: string): CompletionItem[] {
  const skipList = /^check\s*=.*(?:skip|experimental)\s*=\s*(?:[A-Za-z]*,)*([A-Za-z]*)$/i.exec(text);
  if (skipList) {
    const experimental = /experimental\s*=[^;]*$/i.test(text);
    return allRules
      .filter((rule) => (experimental ? rule.experimental : !rule.experimental))
      .map((rule) => ({
        label: rule.name,
        kind: CompletionItemKind.EnumMember,
        detail: rule.source === 'buildkit' ? 'BuildKit check' : 'Berth rule',
        documentation: rule.description,
        textEdit: { range: replaceRange(request, skipList[1].length), newText: rule.name },
      }));
  }
  const directiveValue = /^(syntax|escape|check)\s*=\s*(\S*)$/i.exec(text);
  if (directiveValue) {
    const doc = directiveDocs.find((d) => d.name === directiveValue[1].toLowerCase());
    return (doc?.values ?? []).map((value) => ({
      label: value,
      kind: CompletionItemKind.Value,
      textEdit: { range: replaceRange(request, directiveValue[2].length), newText: value },
      command: value.endsWith('=')
        ? { title: 'Suggest', command: 'editor.action.triggerSuggest' }
        : undefined,
    }));
  }
  // Directive names only where BuildKit still reads directives: before any instruction or other comment.
  const first = request.dockerfile.instructions[0];
  const inDirectiveBlock = (!first || request.offset <= first.startOffset) && /^[a-z]*$/i.test(text);
  const nonDirectiveCommentAbove = request.dockerfile.comments.some(
    (c) =>
      c.range.start.line < request.position.line &&
      !request.dockerfile.directives.some((d) => d.range.start.line === c.range.start.line),
  );
  if (!inDirectiveBlock || nonDirectiveCommentAbove) {
    // A `check=` comment just above an instruction scopes checks to it.
    return /^[a-z]*$/i.test(text) && 'check'.startsWith(text.toLowerCase())
      ? [
          {
            label: 'check=skip=',
            kind: CompletionItemKind.Keyword,
            detail: 'Skip checks for the next instruction',
            textEdit: { range: replaceRange(request, text.length), newText: 'check=skip=' },
            command: { title: 'Suggest', command: 'editor.action.triggerSuggest' },
          },
        ]
      : [];
  }
  return directiveDocs
    .filter((d) => !request.dockerfile.directives.some((existing) => existing.name === d.name))
    .map((d) => ({
      label: `${d.name}=`,
      kind: CompletionItemKind.Keyword,
      detail: 'Parser directive',
      documentation: { kind: MarkupKind.Markdown, value: `${d.summary}\n\n[Reference](${d.url})` },
      textEdit: { range: replaceRange(request, text.length), newText: `${d.name}=` },
      command: { title: 'Suggest', command: 'editor.action.triggerSuggest' },
    }));
}

function instructionItems(
  request: Request,
  prefix: string,
  replaceWord: boolean,
  trigger = false,
): CompletionItem[] {
  const lower = prefix.length > 0 && prefix === prefix.toLowerCase();
  const beforeFirstFrom = !request.dockerfile.stages.some((s) => s.startOffset < request.offset);
  const items: CompletionItem[] = [];
  for (const doc of instructionDocs) {
    if (doc.deprecated || (trigger && onbuildForbidden.has(doc.name))) continue;
    const rank = beforeFirstFrom
      ? doc.name === 'FROM' || doc.name === 'ARG'
        ? '0'
        : '1'
      : doc.name === 'FROM'
        ? '1'
        : '0';
    const snippets = doc.snippets.length > 0 ? doc.snippets : [{ label: doc.name, body: `${doc.name} ` }];
    snippets.forEach((snippet, i) => {
      const body = lower ? snippet.body.replace(doc.name, doc.name.toLowerCase()) : snippet.body;
      items.push({
        label: lower ? snippet.label.replace(doc.name, doc.name.toLowerCase()) : snippet.label,
        kind: i === 0 ? CompletionItemKind.Keyword : CompletionItemKind.Snippet,
        detail: doc.summary,
        documentation: { kind: MarkupKind.Markdown, value: instructionMarkdown(doc) },
        filterText: lower ? doc.name.toLowerCase() : doc.name,
        sortText: `${rank}${doc.name}${i}`,
        insertTextFormat: InsertTextFormat.Snippet,
        textEdit: { range: replaceRange(request, replaceWord ? prefix.length : 0), newText: body },
      });
    });
  }
  return items;
}

function argumentItems(request: Request, instruction: Instruction): CompletionItem[] {
  const { before } = request;
  const doc = instructionDoc(instruction.name);
  const afterKeyword = before.slice(
    Math.max(0, before.length - (request.offset - instruction.keyword.endOffset)),
  );
  const flagsSoFar =
    /^(\s+--[^\s]*)*\s+$/.test(afterKeyword) || /^(\s+--[^\s]*)*\s+-{1,2}[a-z-]*$/.test(afterKeyword);

  // `--name=value…`: values of the flag being typed.
  const flagValue = /--([a-z-]+)=([^\s]*)$/.exec(before);
  if (flagValue && doc) return flagValueItems(request, instruction, flagValue[1], flagValue[2]);

  // `--na`: flags not used yet (or repeatable).
  const flagName = /(?:^|\s)(-{1,2}[a-z-]*)$/.exec(before);
  if (flagName && doc && flagsSoFar) {
    return doc.flags
      .filter(
        (f) =>
          f.repeatable ||
          !instruction.flags.some((used) => used.name === f.name && !touchesCursor(request, used)),
      )
      .map((f) => flagItem(request, f, flagName[1].length));
  }

  const word = /(\S*)$/.exec(before)?.[1] ?? '';
  const argsBefore = before
    .slice(0, before.length - word.length)
    .trim()
    .split(/\s+/)
    .filter((w) => !w.startsWith('--'));
  // argsBefore[0] is the keyword when the instruction starts on this line.
  const index =
    instruction.range.start.line === request.position.line ? argsBefore.length - 1 : Number.MAX_SAFE_INTEGER;
  switch (instruction.name) {
    case 'FROM':
      if (index === 0) return imageItems(request, word);
      if (index === 1)
        return [keywordItem(request, instruction.keyword.value === 'from' ? 'as' : 'AS', word)];
      return [];
    case 'HEALTHCHECK':
      return index === 0 && flagsOrNothingBefore(before)
        ? ['CMD', 'NONE'].map((k) => keywordItem(request, k, word))
        : [];
    case 'STOPSIGNAL':
      return index === 0
        ? signals.map((s) => ({
            label: s,
            kind: CompletionItemKind.EnumMember,
            textEdit: { range: replaceRange(request, word.length), newText: s },
          }))
        : [];
    case 'SHELL':
      return index === 0 && word === ''
        ? [
            {
              label: '["/bin/bash", "-o", "pipefail", "-c"]',
              kind: CompletionItemKind.Value,
              textEdit: { range: replaceRange(request, 0), newText: '["/bin/bash", "-o", "pipefail", "-c"]' },
            },
          ]
        : [];
    case 'COPY':
    case 'ADD':
      if (instruction.flags.some((f) => f.name === 'from') || word.includes('://')) return [];
      return pathCompletions(
        request.document,
        request.environment,
        word,
        replaceRange(request, word.length - (word.lastIndexOf('/') + 1)),
      );
    default:
      return [];
  }
}

function flagsOrNothingBefore(before: string): boolean {
  return /^\s*\S+(\s+--\S+)*\s+\S*$/.test(before);
}

function touchesCursor(request: Request, span: { startOffset: number; endOffset: number }): boolean {
  return span.startOffset <= request.offset && request.offset <= span.endOffset;
}

function keywordItem(request: Request, keyword: string, word: string): CompletionItem {
  return {
    label: keyword,
    kind: CompletionItemKind.Keyword,
    textEdit: { range: replaceRange(request, word.length), newText: `${keyword} ` },
  };
}

function flagItem(request: Request, flag: FlagDoc, typed: number): CompletionItem {
  const needsValue = flag.value !== 'boolean';
  return {
    label: `--${flag.name}`,
    kind: CompletionItemKind.Property,
    detail: flag.repeatable ? 'repeatable' : undefined,
    documentation: { kind: MarkupKind.Markdown, value: flag.summary },
    insertTextFormat: InsertTextFormat.Snippet,
    textEdit: {
      range: replaceRange(request, typed),
      newText: needsValue ? `--${flag.name}=\${1:${flag.placeholder}} ` : `--${flag.name} `,
    },
    command:
      needsValue && (flag.values || flag.value === 'stage' || flag.value === 'mount')
        ? { title: 'Suggest', command: 'editor.action.triggerSuggest' }
        : undefined,
  };
}

function valueItems(
  request: Request,
  values: readonly string[],
  typed: string,
  kind = CompletionItemKind.Value,
): CompletionItem[] {
  return values.map((value) => ({
    label: value,
    kind,
    textEdit: { range: replaceRange(request, typed.length), newText: value },
  }));
}

function flagValueItems(
  request: Request,
  instruction: Instruction,
  name: string,
  typed: string,
): CompletionItem[] {
  const flag = instructionDoc(instruction.name)?.flags.find((f) => f.name === name);
  if (!flag) return [];
  if (flag.value === 'mount') return mountItems(request, typed);
  if (flag.value === 'stage') return stageItems(request, typed);
  return valueItems(request, flag.values ?? [], typed);
}

function stageItems(request: Request, typed: string): CompletionItem[] {
  const current = stageBefore(request.dockerfile, request.offset);
  return request.dockerfile.stages
    .filter((s) => s.name !== undefined && s !== current && s.startOffset < request.offset)
    .map((s) => ({
      label: s.name!,
      kind: CompletionItemKind.Reference,
      detail: `stage #${s.index}${s.base ? ` FROM ${s.base.value}` : ''}`,
      textEdit: { range: replaceRange(request, typed.length), newText: s.name! },
    }));
}

function mountItems(request: Request, typed: string): CompletionItem[] {
  const item = typed.split(',').pop() ?? '';
  const type = /(?:^|,)type=([a-z]+)/.exec(typed)?.[1] ?? 'bind';
  const eq = item.indexOf('=');
  if (eq < 0) {
    const used = new Set(
      typed
        .split(',')
        .slice(0, -1)
        .map((o) => o.split('=')[0]),
    );
    return mountKeys
      .filter((k) => (k.types.includes(type) && !used.has(k.key)) || (k.key === 'type' && !used.has('type')))
      .map((k) => ({
        label: `${k.key}=`,
        kind: CompletionItemKind.Property,
        documentation: k.summary,
        textEdit: { range: replaceRange(request, item.length), newText: `${k.key}=` },
        command:
          k.values || k.key === 'from'
            ? { title: 'Suggest', command: 'editor.action.triggerSuggest' }
            : undefined,
      }));
  }
  const key = item.slice(0, eq);
  const value = item.slice(eq + 1);
  if (key === 'from') return stageItems(request, value);
  const values = mountKeys.find((k) => k.key === key || k.aliases?.includes(key))?.values ?? [];
  return valueItems(request, values, value);
}

function variableItems(request: Request, typed: string, braced: boolean): CompletionItem[] {
  const { dockerfile, document, offset } = request;
  const instruction = dockerfile.instructionAt(offset) ?? dockerfile.instructionAt(offset - 1);
  const onFrom = instruction?.name === 'FROM';
  const scope = onFrom
    ? document.symbols.declaredIn(undefined)
    : document.symbols.scopeAt(instruction?.startOffset ?? offset);
  const items: CompletionItem[] = [];
  const close = braced && request.document.text[offset] !== '}' ? '}' : '';
  for (const [name, declaration] of scope) {
    items.push({
      label: name,
      kind: CompletionItemKind.Variable,
      detail: `${declaration.kind}${declaration.value !== undefined ? `=${declaration.value}` : ''}`,
      textEdit: { range: replaceRange(request, typed.length), newText: `${name}${close}` },
    });
  }
  if (onFrom) {
    for (const name of automaticPlatformArgs) {
      if (scope.has(name)) continue;
      const doc = predefinedArgs.get(name);
      items.push({
        label: name,
        kind: CompletionItemKind.Constant,
        detail: 'predefined',
        documentation: doc,
        textEdit: { range: replaceRange(request, typed.length), newText: `${name}${close}` },
      });
    }
  }
  return items;
}

function imageItems(request: Request, typed: string): CompletionItem[] {
  const colon = typed.lastIndexOf(':');
  const slash = typed.lastIndexOf('/');
  if (colon > slash && colon >= 0) return tagItems(request, typed.slice(0, colon), typed.slice(colon + 1));
  const items: CompletionItem[] = [];
  const seen = new Set<string>();
  for (const image of request.environment.images.images) {
    seen.add(image.name);
    items.push({
      label: image.name,
      kind: CompletionItemKind.Module,
      detail: `local image: ${image.tags.slice(0, 4).join(', ')}`,
      sortText: `0${image.name}`,
      textEdit: { range: replaceRange(request, typed.length), newText: image.name },
      command: { title: 'Suggest', command: 'editor.action.triggerSuggest' },
    });
  }
  for (const image of curatedImages) {
    if (seen.has(image.name)) continue;
    items.push({
      label: image.name,
      kind: CompletionItemKind.Module,
      detail: image.summary,
      sortText: `1${image.name}`,
      textEdit: { range: replaceRange(request, typed.length), newText: image.name },
    });
  }
  for (const stage of stageItems(request, typed)) items.push({ ...stage, sortText: `2${stage.label}` });
  return items;
}

function tagItems(request: Request, name: string, typed: string): CompletionItem[] {
  const local = request.environment.images.find(name)?.tags ?? [];
  const curated = curatedImage(name)?.tags ?? [];
  const items: CompletionItem[] = [];
  local.forEach((tag) =>
    items.push({
      label: tag,
      kind: CompletionItemKind.Value,
      detail: 'local',
      sortText: `0${tag}`,
      textEdit: { range: replaceRange(request, typed.length), newText: tag },
    }),
  );
  curated.forEach((tag, i) => {
    if (local.includes(tag)) return;
    items.push({
      label: tag,
      kind: CompletionItemKind.Value,
      sortText: `1${String(i).padStart(3, '0')}`,
      textEdit: { range: replaceRange(request, typed.length), newText: tag },
    });
  });
  return items;
}
