// BuildKit's line parsers: how each instruction's argument text becomes its list of arguments
// (words, a whole command line, JSON elements, ENV/LABEL triples), with a span for each.

import { parseJsonArray } from './jsonArray';
import type { LogicalLine } from './logicalLine';
import type { Argument, ArgumentForm, ArgumentRole, DockerfileErrorCode } from './model';
import type { SourceText } from './source';
import { goQuote, isGoSpace, isSplitSpace } from './text';

export interface ParsedArguments {
  readonly args: Argument[];
  readonly form: ArgumentForm;
  /** A parser-phase error (BuildKit's parser.Parse would fail on this instruction). */
  readonly error?: { readonly message: string; readonly code: DockerfileErrorCode };
}

/** What the argument parsers need: the joined line, the escape character, the span factory. */
export interface ArgumentContext {
  readonly line: LogicalLine;
  readonly escape: number;
  readonly src: SourceText;
}

export type ArgumentParser = (ctx: ArgumentContext, from: number, to: number) => ParsedArguments;

const NO_ARGS: ParsedArguments = { args: [], form: 'shell' };

function arg(ctx: ArgumentContext, start: number, end: number, value: string, role: ArgumentRole): Argument {
  return ctx.src.argumentIn(ctx.line, start, end, value, role);
}

function slice(ctx: ArgumentContext, start: number, end: number, role: ArgumentRole): Argument {
  return arg(ctx, start, end, ctx.line.text.slice(start, end), role);
}

/** Words split at spaces, quotes and escapes kept (BuildKit's parseWords); [start, end, value]. */
function words(ctx: ArgumentContext, from: number, to: number): Array<[number, number, string]> {
  const text = ctx.line.text;
  const escape = ctx.escape;
  const out: Array<[number, number, string]> = [];
  let pos = from;
  while (pos < to) {
    while (pos < to && isGoSpace(text.charCodeAt(pos))) pos++;
    if (pos >= to) break;
    const start = pos;
    let quote = 0;
    let droppedEscape = false;
    while (pos < to) {
      const c = text.charCodeAt(pos);
      if (quote === 0) {
        if (isGoSpace(c)) break;
        if (c === 0x27 || c === 0x22) quote = c;
        else if (c === escape) {
          if (pos + 1 >= to) {
            droppedEscape = true;
            pos++;
            break;
          }
          pos++;
        }
      } else if (c === quote) {
        quote = 0;
      } else if (c === escape && quote !== 0x27) {
        if (pos + 1 >= to) {
          droppedEscape = true;
          pos++;
          break;
        }
        pos++;
      }
      pos++;
    }
    const value = text.slice(start, droppedEscape ? pos - 1 : pos);
    if (value.length > 0) out.push([start, pos, value]);
  }
  return out;
}

/** ARG: words, each `name` or `name=value`. */
export const parseNameOrNameValue: ArgumentParser = (ctx, from, to) => ({
  args: words(ctx, from, to).map(([s, e, v]) => arg(ctx, s, e, v, 'word')),
  form: 'shell',
});

/** ENV and LABEL: `key=value …` triples, or the legacy `key value` (separator ""). */
function nameValue(keyword: string): ArgumentParser {
  return (ctx, from, to) => {
    const ws = words(ctx, from, to);
    if (ws.length === 0) return NO_ARGS;
    const text = ctx.line.text;
    if (ws[0][2].indexOf('=') < 0) {
      let keyEnd = from;
      while (keyEnd < to && !isSplitSpace(text.charCodeAt(keyEnd))) keyEnd++;
      if (keyEnd >= to) {
        return {
          args: [],
          form: 'shell',
          error: { message: `${keyword} must have two arguments`, code: 'missing-value' },
        };
      }
      let valueStart = keyEnd;
      while (valueStart < to && isSplitSpace(text.charCodeAt(valueStart))) valueStart++;
      return {
        args: [
          slice(ctx, from, keyEnd, 'key'),
          slice(ctx, valueStart, to, 'value'),
          arg(ctx, valueStart, valueStart, '', 'separator'),
        ],
        form: 'shell',
      };
    }
    const args: Argument[] = [];
    for (const [s, e, word] of ws) {
      const eq = word.indexOf('=');
      if (eq < 0) {
        return {
          args,
          form: 'shell',
          error: {
            message: `Syntax error - can't find = in ${goQuote(word)}. Must be of the form: name=value`,
            code: 'missing-equals',
          },
        };
      }
      args.push(
        arg(ctx, s, s + eq, word.slice(0, eq), 'key'),
        arg(ctx, s + eq + 1, e, word.slice(eq + 1), 'value'),
        arg(ctx, s + eq, s + eq + 1, '=', 'separator'),
      );
    }
    return { args, form: 'shell' };
  };
}

export const parseEnv = nameValue('ENV');
export const parseLabel = nameValue('LABEL');

/** FROM, EXPOSE (and the non-JSON COPY/ADD/VOLUME): words split at `[\t\v\f\r ]+`. */
export const parseWhitespaceDelimited: ArgumentParser = (ctx, from, to) => {
  const text = ctx.line.text;
  const words = scratch;
  let pos = from;
  while (pos < to) {
    const start = pos;
    while (pos < to && !isSplitSpace(text.charCodeAt(pos))) pos++;
    words.push(slice(ctx, start, pos, 'word'));
    while (pos < to && isSplitSpace(text.charCodeAt(pos))) pos++;
  }
  const args = words.slice();
  words.length = 0;
  return { args, form: 'shell' };
};

/**
 * Where parseWhitespaceDelimited gathers words before copying them into a list of the exact size
 * (the model keeps one per FROM/COPY/ADD; a list grown by push keeps room for 17).
 */
const scratch: Argument[] = [];

/** MAINTAINER, STOPSIGNAL, USER, WORKDIR: the whole text as one argument. */
export const parseString: ArgumentParser = (ctx, from, to) =>
  from < to ? { args: [slice(ctx, from, to, 'word')], form: 'shell' } : NO_ARGS;

const NOT_STRINGS = {
  message: 'when using JSON array syntax, arrays must be comprised of strings only',
  code: 'json-not-strings' as const,
};

/** The JSON form if the text is a JSON string array; undefined if it is not JSON at all. */
function parseJson(ctx: ArgumentContext, from: number, to: number): ParsedArguments | undefined {
  const json = parseJsonArray(ctx.line.text, from, to);
  if (json.kind === 'not-json') return undefined;
  if (json.kind === 'not-strings')
    return { args: [slice(ctx, from, to, 'command')], form: 'shell', error: NOT_STRINGS };
  return { args: json.elements.map((el) => arg(ctx, el.start, el.end, el.value, 'json')), form: 'json' };
}

/** CMD, ENTRYPOINT, RUN, SHELL: JSON form, or the whole text as one command line. */
export const parseMaybeJson: ArgumentParser = (ctx, from, to) => {
  if (from >= to) return NO_ARGS;
  return parseJson(ctx, from, to) ?? { args: [slice(ctx, from, to, 'command')], form: 'shell' };
};

/** ADD, COPY, VOLUME: JSON form, or words. */
export const parseMaybeJsonToList: ArgumentParser = (ctx, from, to) =>
  parseJson(ctx, from, to) ?? parseWhitespaceDelimited(ctx, from, to);

/** HEALTHCHECK: a type word (`CMD`, `NONE`), then a command like CMD's. */
export const parseHealthcheck: ArgumentParser = (ctx, from, to) => {
  const text = ctx.line.text;
  let sep = from;
  while (sep < to && !isGoSpace(text.charCodeAt(sep))) sep++;
  if (sep === from) return NO_ARGS;
  let next = sep;
  while (next < to && isGoSpace(text.charCodeAt(next))) next++;
  const command = parseMaybeJson(ctx, next, to);
  return { args: [slice(ctx, from, sep, 'type'), ...command.args], form: command.form, error: command.error };
};

/** Unknown instructions: BuildKit keeps the keyword and flags, and ignores the arguments. */
export const parseIgnore: ArgumentParser = () => NO_ARGS;
