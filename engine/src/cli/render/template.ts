// The subset of Go's text/template that people type after `--format`: `{{.Field.Sub}}`, `{{json .}}`,
// pipelines (`{{.Names | upper}}`), `{{range .X}}…{{end}}` (with `$k, $v :=`), `{{if}}/{{else}}`,
// `{{with}}`, `{{index .Labels "k"}}`, `{{- trim -}}` markers, and the functions the docker CLI
// adds (json, join, split, lower, upper, title, pad, truncate, println). Values print as Go's %v
// prints decoded JSON: `[a b]` for lists, `map[k:v]` for objects, `<no value>` for a missing key.

export class TemplateError extends Error {
  override name = 'TemplateError';
}

type Value = unknown;

type Operand =
  | { kind: 'field'; root: 'dot' | string; path: string[] }
  | { kind: 'literal'; value: Value }
  | { kind: 'call'; name: string }
  /** `(pipeline)` or `(pipeline).Field.Sub` */
  | { kind: 'pipeline'; pipeline: Pipeline; path: string[] };

type Command = Operand[];
type Pipeline = { decl: string[]; commands: Command[] };

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipeline: Pipeline }
  | { kind: 'range' | 'if' | 'with'; pipeline: Pipeline; body: Node[]; otherwise: Node[] };

export interface Template {
  nodes: Node[];
}

const functions: Record<string, (...args: Value[]) => Value> = {
  json: (v) => JSON.stringify(v === undefined ? null : v),
  join: (list, sep) => asList(list, 'join').map(printValue).join(String(sep)),
  split: (s, sep) => String(s).split(String(sep)),
  lower: (s) => printValue(s).toLowerCase(),
  upper: (s) => printValue(s).toUpperCase(),
  title: (s) =>
    printValue(s).replace(/(^|[^\p{L}\p{N}])(\p{L})/gu, (_m, a: string, b: string) => a + b.toUpperCase()),
  pad: (s, before, after) => ' '.repeat(Number(before)) + printValue(s) + ' '.repeat(Number(after)),
  truncate: (s, n) => [...printValue(s)].slice(0, Number(n)).join(''),
  println: (...args) => args.map(printValue).join(' ') + '\n',
  print: (...args) => args.map(printValue).join(''),
  printf: (format, ...args) => sprintf(String(format), args),
  len: (v) =>
    typeof v === 'string' ? v.length : isObject(v) ? Object.keys(v).length : asList(v, 'len').length,
  index: (v, ...keys) =>
    keys.reduce((acc: Value, key) => (acc as Record<string, Value> | null)?.[String(key)], v),
  not: (v) => !truthy(v),
  and: (...args) => args.find((a) => !truthy(a)) ?? args[args.length - 1],
  or: (...args) => args.find((a) => truthy(a)) ?? args[args.length - 1],
  eq: (a, ...rest) => rest.some((b) => a === b),
  ne: (a, b) => a !== b,
};

/** Parses `source`; throws TemplateError with Go's wording for what is wrong and where. */
export function parseTemplate(source: string): Template {
  const parser = new Parser(source);
  const { nodes, end } = parser.list();
  if (end) throw new TemplateError(`template: :${parser.line()}: unexpected {{${end}}}`);
  return { nodes };
}

/** Runs a parsed template over `data` (the dot). */
export function executeTemplate(template: Template, data: Value): string {
  const out: string[] = [];
  run(template.nodes, data, new Map([['$', data]]), out);
  return out.join('');
}

/** `fmt.Sprint(v)` for a value decoded from JSON. */
export function printValue(v: Value): string {
  if (v === undefined) return '<no value>';
  if (v === null) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(printValue).join(' ')}]`;
  if (isObject(v))
    return `map[${Object.keys(v)
      .sort()
      .map((k) => `${k}:${printValue(v[k])}`)
      .join(' ')}]`;
  return String(v);
}

function run(nodes: Node[], dot: Value, vars: Map<string, Value>, out: string[]): void {
  for (const node of nodes) {
    if (node.kind === 'text') out.push(node.text);
    else if (node.kind === 'action') {
      const value = evalPipeline(node.pipeline, dot, vars);
      if (node.pipeline.decl.length === 0) out.push(printValue(value));
    } else if (node.kind === 'if' || node.kind === 'with') {
      const value = evalPipeline(node.pipeline, dot, vars);
      if (truthy(value)) run(node.body, node.kind === 'with' ? value : dot, new Map(vars), out);
      else run(node.otherwise, dot, new Map(vars), out);
    } else {
      const value = evalPipeline({ ...node.pipeline, decl: [] }, dot, vars);
      const entries: [Value, Value][] = Array.isArray(value)
        ? value.map((v, i) => [i, v])
        : isObject(value)
          ? Object.keys(value)
              .sort()
              .map((k) => [k, value[k]])
          : value === null || value === undefined
            ? []
            : fail(`range can't iterate over ${printValue(value)}`);
      if (entries.length === 0) run(node.otherwise, dot, new Map(vars), out);
      for (const [key, item] of entries) {
        const scope = new Map(vars);
        const decl = node.pipeline.decl;
        if (decl.length === 1) scope.set(decl[0], item);
        if (decl.length === 2) scope.set(decl[0], key).set(decl[1], item);
        run(node.body, item, scope, out);
      }
    }
  }
}

function evalPipeline(pipeline: Pipeline, dot: Value, vars: Map<string, Value>): Value {
  let value: Value;
  pipeline.commands.forEach((command, i) => {
    const piped = i > 0 ? [value] : [];
    const [head, ...args] = command;
    if (head.kind === 'call') {
      const fn = functions[head.name];
      value = fn(...args.map((a) => evalOperand(a, dot, vars)), ...piped);
    } else {
      if (args.length > 0 || piped.length > 0) fail(`can't give argument to non-function ${describe(head)}`);
      value = evalOperand(head, dot, vars);
    }
  });
  if (pipeline.decl.length === 1) vars.set(pipeline.decl[0], value);
  return value;
}

function evalOperand(op: Operand, dot: Value, vars: Map<string, Value>): Value {
  switch (op.kind) {
    case 'literal':
      return op.value;
    case 'pipeline':
      return walk(evalPipeline(op.pipeline, dot, vars), op.path);
    case 'call':
      return functions[op.name]();
    case 'field': {
      if (op.root !== 'dot' && !vars.has(op.root)) fail(`undefined variable: ${op.root}`);
      return walk(op.root === 'dot' ? dot : vars.get(op.root), op.path);
    }
  }
}

function walk(start: Value, path: string[]): Value {
  let value = start;
  for (const key of path) {
    if (value === undefined || value === null) return undefined;
    if (!isObject(value)) fail(`can't evaluate field ${key} in type ${goType(value)}`);
    value = value[key];
  }
  return value;
}

function describe(op: Operand): string {
  return op.kind === 'field' ? `${op.root === 'dot' ? '' : op.root}.${op.path.join('.')}` : 'value';
}

function fail(message: string): never {
  throw new TemplateError(`template: :1: ${message}`);
}

function isObject(v: Value): v is Record<string, Value> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asList(v: Value, fn: string): Value[] {
  if (Array.isArray(v)) return v;
  if (v === null || v === undefined) return [];
  return fail(`error calling ${fn}: expected a list, got ${goType(v)}`);
}

function goType(v: Value): string {
  return typeof v === 'number'
    ? 'float64'
    : typeof v === 'boolean'
      ? 'bool'
      : Array.isArray(v)
        ? '[]interface {}'
        : typeof v;
}

function truthy(v: Value): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (isObject(v)) return Object.keys(v).length > 0;
  return Boolean(v);
}

/** printf with the verbs people use: %s %v %d %q %%. */
function sprintf(format: string, args: Value[]): string {
  let i = 0;
  return format.replace(/%([svdq%])/g, (_m, verb: string) => {
    if (verb === '%') return '%';
    const arg = args[i++];
    if (verb === 'q') return JSON.stringify(printValue(arg));
    if (verb === 'd') return String(Math.trunc(Number(arg)));
    return printValue(arg);
  });
}

// The parser: text and `{{…}}` actions, with `{{-`/`-}}` eating the whitespace next to them.
class Parser {
  private pos = 0;
  private trimNext = false;
  constructor(private readonly src: string) {}

  line(): number {
    return this.src.slice(0, this.pos).split('\n').length;
  }

  /** Nodes up to an `{{end}}`/`{{else …}}` (returned as `end`) or the end of the source. */
  list(): { nodes: Node[]; end?: string } {
    const nodes: Node[] = [];
    for (;;) {
      const open = this.src.indexOf('{{', this.pos);
      let text = this.src.slice(this.pos, open < 0 ? undefined : open);
      if (this.trimNext) text = text.replace(/^\s+/, '');
      if (open >= 0 && this.src.startsWith('{{- ', open)) text = text.replace(/\s+$/, '');
      if (text) nodes.push({ kind: 'text', text });
      if (open < 0) {
        this.pos = this.src.length;
        return { nodes };
      }
      const action = this.action(open);
      if (action === '' || action.startsWith('/*')) continue;
      const word = /^(\w+)\b\s*/.exec(action);
      const keyword = word?.[1];
      if (keyword === 'end' || keyword === 'else') return { nodes, end: action };
      if (keyword === 'range' || keyword === 'if' || keyword === 'with') {
        nodes.push(this.block(keyword, action.slice(word![0].length)));
        continue;
      }
      nodes.push({ kind: 'action', pipeline: this.pipeline(action) });
    }
  }

  private block(kind: 'range' | 'if' | 'with', rest: string): Node {
    if (rest.trim() === '') this.error(`missing value for ${kind}`);
    const pipeline = this.pipeline(rest, kind === 'range');
    const body = this.list();
    let otherwise: Node[] = [];
    if (body.end === undefined) this.error(`unexpected EOF`);
    if (body.end.startsWith('else')) {
      const elseRest = body.end.slice(4).trim();
      if (elseRest.startsWith('if ') || elseRest.startsWith('with ')) {
        const inner = /^(\w+)\s+/.exec(elseRest)!;
        // `{{else if …}}` chains share the one `{{end}}` that the inner block consumes.
        otherwise = [this.block(inner[1] as 'if' | 'with', elseRest.slice(inner[0].length))];
      } else {
        const tail = this.list();
        if (tail.end === undefined || tail.end !== 'end')
          this.error(`expected end; found ${tail.end ?? 'EOF'}`);
        otherwise = tail.nodes;
      }
    } else if (body.end !== 'end') this.error(`unexpected {{${body.end}}}`);
    return { kind, pipeline, body: body.nodes, otherwise };
  }

  /** The trimmed inside of the action opening at `open`; moves past its `}}`. */
  private action(open: number): string {
    let i = open + 2;
    let inString: string | undefined;
    for (; i < this.src.length; i++) {
      const c = this.src[i];
      if (inString) {
        if (c === '\\' && inString === '"') i++;
        else if (c === inString) inString = undefined;
      } else if (c === '"' || c === '`') inString = c;
      else if (this.src.startsWith('}}', i)) break;
    }
    if (i >= this.src.length) {
      this.pos = open;
      this.error('unclosed action');
    }
    let inner = this.src.slice(open + 2, i);
    this.trimNext = false;
    if (inner.startsWith('- ')) inner = inner.slice(2);
    if (inner.endsWith(' -')) {
      inner = inner.slice(0, -2);
      this.trimNext = true;
    }
    this.pos = i + 2;
    return inner.trim();
  }

  private pipeline(text: string, allowTwoVars = false): Pipeline {
    const tokens = tokenize(text, (m) => this.error(m));
    const decl: string[] = [];
    const assign = tokens.indexOf(':=');
    if (assign >= 0) {
      const names = tokens.slice(0, assign).filter((t) => t !== ',');
      if (
        names.length === 0 ||
        names.length > (allowTwoVars ? 2 : 1) ||
        names.some((n) => !/^\$\w+$/.test(n))
      )
        this.error(`bad variable declaration`);
      decl.push(...names);
      tokens.splice(0, assign + 1);
    }
    const [pipeline, used] = this.commands(tokens, 0);
    if (used !== tokens.length) this.error(`unexpected "${tokens[used]}" in operand`);
    return { decl, commands: pipeline };
  }

  private commands(tokens: string[], start: number): [Command[], number] {
    const commands: Command[] = [];
    let current: Command = [];
    let i = start;
    for (; i < tokens.length; i++) {
      const t = tokens[i];
      if (t === ')') break;
      if (t === '|') {
        if (current.length === 0) this.error(`missing command`);
        commands.push(current);
        current = [];
        continue;
      }
      if (t === '(') {
        const [inner, end] = this.commands(tokens, i + 1);
        if (tokens[end] !== ')') this.error(`unclosed left paren`);
        // `(…).Field`: a field chain right after the parenthesis applies to the pipeline's value.
        const chain =
          tokens[end + 1]?.startsWith('.') && tokens[end + 1] !== '.' ? tokens[end + 1] : undefined;
        const path = chain ? chain.slice(1).split('.') : [];
        current.push({ kind: 'pipeline', pipeline: { decl: [], commands: inner }, path });
        i = chain ? end + 1 : end;
        continue;
      }
      current.push(this.operand(t));
    }
    if (current.length === 0) this.error(`missing value for command`);
    commands.push(current);
    return [commands, i];
  }

  private operand(t: string): Operand {
    if (t === '.') return { kind: 'field', root: 'dot', path: [] };
    if (t.startsWith('.')) return { kind: 'field', root: 'dot', path: t.slice(1).split('.') };
    if (t.startsWith('$')) {
      const [root, ...path] = t.split('.');
      return { kind: 'field', root, path };
    }
    if (t.startsWith('"')) return { kind: 'literal', value: JSON.parse(t) };
    if (t.startsWith('`')) return { kind: 'literal', value: t.slice(1, -1) };
    if (/^-?\d+(\.\d+)?$/.test(t)) return { kind: 'literal', value: Number(t) };
    if (t === 'true' || t === 'false') return { kind: 'literal', value: t === 'true' };
    if (t === 'nil') return { kind: 'literal', value: null };
    if (!(t in functions) || !Object.hasOwn(functions, t)) this.error(`function "${t}" not defined`);
    return { kind: 'call', name: t };
  }

  private error(message: string): never {
    throw new TemplateError(`template: :${this.line()}: ${message}`);
  }
}

function tokenize(text: string, error: (m: string) => never): string[] {
  const tokens: string[] = [];
  const re = /\s*(:=|[|(),]|"(?:[^"\\]|\\.)*"|`[^`]*`|[^\s|(),"`]+)/y;
  let end = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    tokens.push(m[1]);
    end = re.lastIndex;
  }
  const rest = text.slice(end).trim();
  if (rest !== '') error(`unterminated quoted string near ${rest}`);
  return tokens;
}
