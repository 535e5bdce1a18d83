// Hover: documentation for directives, instructions, flags and mount options; a variable's value
// and where it is set; what a stage is built from; what a base image is.
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver-types';
import type { Span, Stage } from '../../engine/src/dockerfile/model';
import { imagePageUrl, parseImageReference } from '../../engine/src/dockerfile/lint/analysis/imageReference';
import { locate } from '../../engine/src/dockerfile/lint/analysis/locate';
import { mountOptions, touches } from '../../engine/src/dockerfile/lint/analysis/spans';
import type { VariableDeclaration } from '../../engine/src/dockerfile/lint/analysis/symbols';
import { directiveDoc, predefinedArgs } from '../../engine/src/dockerfile/lint/data/directives';
import { curatedImage } from '../../engine/src/dockerfile/lint/data/images';
import { flagDoc, instructionDoc, mountKeys, type InstructionDoc } from './data/instructions';
import type { DockerfileDocument } from '../../engine/src/dockerfile/lint/document';
import type { ServiceEnvironment } from '../../engine/src/dockerfile/lint/environment';

function markdown(value: string, span?: Span): Hover {
  const hover: Hover = { contents: { kind: MarkupKind.Markdown, value } };
  if (span) hover.range = span.range;
  return hover;
}

export function instructionMarkdown(doc: InstructionDoc): string {
  const forms = doc.forms.map((f) => `    ${f}`).join('\n');
  const deprecated = doc.deprecated ? `**Deprecated.** ${doc.deprecated}\n\n` : '';
  return `${deprecated}**${doc.name}** — ${doc.summary}\n\n${forms}\n\n${doc.details}\n\n[Reference](${doc.url})`;
}

export function computeHover(
  document: DockerfileDocument,
  position: Position,
  environment: ServiceEnvironment,
): Hover | null {
  const dockerfile = document.dockerfile;
  const offset = dockerfile.offsetAt(position);
  const symbol = document.symbols.symbolAt(offset);
  if (symbol?.kind === 'variable')
    return markdown(variableMarkdown(symbol.name, symbol.declaration), symbol.span);
  if (symbol?.kind === 'stage') return markdown(stageMarkdown(document, symbol.stage), symbol.span);

  const place = locate(dockerfile, offset);
  if (!place) return null;
  switch (place.kind) {
    case 'directive': {
      const doc = directiveDoc(place.directive.name);
      return doc
        ? markdown(`**# ${doc.name}=** — ${doc.summary}\n\n[Reference](${doc.url})`, place.directive)
        : null;
    }
    case 'keyword': {
      const doc = instructionDoc(place.instruction.name);
      return doc ? markdown(instructionMarkdown(doc), place.instruction.keyword) : null;
    }
    case 'flagName': {
      const doc = flagDoc(place.instruction.name, place.flag.name);
      return doc
        ? markdown(`**--${doc.name}** (${place.instruction.name}) — ${doc.summary}`, place.flag.nameSpan)
        : null;
    }
    case 'flagValue': {
      if (place.flag.name === 'mount' && place.flag.valueSpan) {
        const option = mountOptions(dockerfile, place.flag.valueSpan).find((o) => touches(o.item, offset));
        const key = option && mountKeys.find((k) => k.key === option.key || k.aliases?.includes(option.key));
        if (option && key) {
          const types =
            key.types.length === 5 ? 'all mount types' : `\`type=${key.types.join('`, `type=')}\``;
          return markdown(`**${key.key}** — ${key.summary}\n\nFor ${types}.`, option.item);
        }
      }
      const doc = flagDoc(place.instruction.name, place.flag.name);
      return doc
        ? markdown(`**--${doc.name}** (${place.instruction.name}) — ${doc.summary}`, place.flag.valueSpan)
        : null;
    }
    case 'argument': {
      const stage = dockerfile.stages.find((s) => s.from === place.instruction);
      if (stage?.base && place.argument === stage.base) return imageHover(stage.base, environment);
      return null;
    }
    default:
      return null;
  }
}

function line(span: Span): number {
  return span.range.start.line + 1;
}

function variableMarkdown(name: string, declaration: VariableDeclaration | undefined): string {
  if (!declaration) {
    const predefined = predefinedArgs.get(name);
    if (predefined) return `**${name}** (predefined build argument) — ${predefined}`;
    return `**${name}** — not declared in this Dockerfile (it may come from the base image's environment).`;
  }
  const parts = [`**${declaration.kind} ${name}**`];
  let value = declaration.value;
  let origin = '';
  if (value === undefined && declaration.inherits) {
    // `ARG NAME` inside a stage takes the global default.
    const global = declaration.inherits;
    if (global.value !== undefined) {
      value = global.value;
      origin = ` (global default, line ${line(global.nameSpan)})`;
    }
  }
  parts.push(
    value === undefined ? 'No default value: set it with `--build-arg`.' : `Value: \`${value}\`${origin}`,
  );
  const scope = declaration.stage ? `stage ${stageLabel(declaration.stage)}` : 'global scope (FROM lines)';
  parts.push(`Declared on line ${line(declaration.nameSpan)}, ${scope}.`);
  return parts.join('\n\n');
}

function stageLabel(stage: Stage): string {
  return stage.name !== undefined ? `\`${stage.name}\`` : `#${stage.index}`;
}

function stageMarkdown(document: DockerfileDocument, stage: Stage): string {
  const base = stage.base ? `FROM \`${stage.base.value}\`` : 'FROM (missing)';
  const platform = stage.platform?.value ? ` for \`${stage.platform.value}\`` : '';
  const users = document.symbols.stageReferences.filter((r) => r.stage === stage).length;
  return `**Stage ${stageLabel(stage)}** (#${stage.index}) — ${base}${platform}, line ${line(stage.from)}; ${stage.instructions.length} instructions, referenced ${users} time${users === 1 ? '' : 's'}.`;
}

function imageHover(base: Span & { value: string }, environment: ServiceEnvironment): Hover | null {
  if (base.value.includes('$')) return null;
  if (base.value.toLowerCase() === 'scratch')
    return markdown('**scratch** — the empty image: the stage starts with no files.', base);
  const reference = parseImageReference(base.value);
  if (!reference) return markdown(`\`${base.value}\` is not a valid image reference.`, base);
  const parts = [
    `**${reference.name}**${reference.tag ? `:${reference.tag}` : ''}${reference.digest ? `@${reference.digest}` : ''}`,
  ];
  const curated = curatedImage(reference.name);
  if (curated) parts.push(curated.summary);
  const local = environment.images.find(reference.name);
  if (local) {
    const size = local.size ? `, ${(local.size / 1e6).toFixed(1)} MB` : '';
    const platform = local.platform ? `, ${local.platform}` : '';
    parts.push(`Local: ${local.tags.map((t) => `\`${t}\``).join(', ') || 'no tags'}${size}${platform}`);
  }
  if (!reference.tag && !reference.digest) parts.push('No tag: the build uses `latest`.');
  const page = imagePageUrl(reference);
  if (page) parts.push(`[${reference.registry}](${page})`);
  return markdown(parts.join('\n\n'), base);
}
