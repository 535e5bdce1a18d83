// Signature help: the syntax forms of the instruction under the cursor, with the parameter being
// typed highlighted (flags count as the options before the first argument).
import type {
  ParameterInformation,
  Position,
  SignatureHelp,
  SignatureInformation,
} from 'vscode-languageserver-types';
import { instructionDoc } from './data/instructions';
import type { DockerfileDocument } from '../../engine/src/dockerfile/lint/document';

/** Splits a form like `FROM [--platform=<p>] <image> [AS <name>]` into its parameters. */
function parameters(form: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of form.slice(form.indexOf(' ') + 1)) {
    if (c === '[') depth++;
    if (c === ']') depth--;
    if (c === ' ' && depth === 0) {
      if (current) parts.push(current);
      current = '';
    } else current += c;
  }
  if (current) parts.push(current);
  return parts;
}

export function computeSignatureHelp(document: DockerfileDocument, position: Position): SignatureHelp | null {
  const dockerfile = document.dockerfile;
  const offset = dockerfile.offsetAt(position);
  const top = dockerfile.instructionAt(offset) ?? dockerfile.instructionAt(offset - 1);
  if (!top || offset <= top.keyword.endOffset) return null;
  const instruction = top.trigger && offset > top.trigger.keyword.endOffset ? top.trigger : top;
  const doc = instructionDoc(instruction.name);
  if (!doc || instruction.heredocs.some((h) => h.body.startOffset <= offset)) return null;

  const beforeCursor = document.text.slice(instruction.keyword.endOffset, offset);
  const words = beforeCursor.trim() === '' ? [] : beforeCursor.trim().split(/\s+/);
  const typingNewWord = /\s$/.test(beforeCursor);
  const flags = words.filter((w) => w.startsWith('--')).length;
  const args = words.length - flags - (typingNewWord ? 0 : 1);
  const onFlag = !typingNewWord && words[words.length - 1]?.startsWith('--');

  const signatures: SignatureInformation[] = doc.forms.map((form) => {
    const params = parameters(form);
    return {
      label: form,
      documentation: doc.summary,
      parameters: params.map((label): ParameterInformation => ({ label })),
    };
  });
  const activeSignature = instruction.form === 'json' && doc.forms.length > 1 ? 1 : 0;
  const params = signatures[activeSignature].parameters ?? [];
  const firstArg = params.findIndex((p) => !String(p.label).startsWith('[--'));
  const activeParameter = onFlag
    ? Math.max(
        0,
        params.findIndex((p) =>
          String(p.label).startsWith(`[--${words[words.length - 1].slice(2).split('=')[0]}`),
        ),
      )
    : Math.min(params.length - 1, Math.max(0, firstArg) + Math.max(0, args));
  return { signatures, activeSignature, activeParameter };
}
