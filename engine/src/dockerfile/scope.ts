// The variable model BuildKit uses, read statically: which ARG/ENV definition each `$V` reference
// sees. Global ARGs (before the first FROM) and the predefined platform ARGs are visible to FROM;
// inside a stage only that stage's ARG/ENV (and those of the stage it builds on) are visible, a
// bare `ARG NAME` taking its value from the global ARG of that name.

import type { Dockerfile, Instruction, Span, Stage, VariableReference } from './model';
import { predefinedArgs } from './instructions/metadata';

export type VariableKind = 'ARG' | 'ENV' | 'predefined';

export interface VariableDefinition {
  readonly name: string;
  readonly kind: VariableKind;
  /** The defining instruction; undefined for predefined variables. */
  readonly instruction: Instruction | undefined;
  /** Span of the name where it is defined. */
  readonly nameSpan: Span | undefined;
  /** The value as written (unexpanded); undefined for a bare `ARG NAME` or a predefined variable. */
  readonly value: string | undefined;
  /** Defined before the first FROM (a global ARG) or predefined for FROM. */
  readonly global: boolean;
  /** For a bare `ARG NAME` in a stage: the global definition it takes its value from. */
  readonly inherits: VariableDefinition | undefined;
  /** Offset from which the definition is visible (the end of its word or instruction). */
  readonly visibleFrom: number;
}

export interface ResolvedReference {
  readonly reference: VariableReference;
  readonly instruction: Instruction;
  /** The definition the reference sees; undefined when the variable is not defined there. */
  readonly definition: VariableDefinition | undefined;
  /**
   * Whether the builder expands it (BuildKit's UndefinedVar and UndefinedArgInFrom look at these):
   * false for shell-form commands and RUN heredocs, which the shell expands at run time.
   */
  readonly expandedByBuilder: boolean;
}

export interface VariableAnalysis {
  readonly definitions: readonly VariableDefinition[];
  readonly references: readonly ResolvedReference[];
  /** The definition of `name` visible at `offset`, if any. */
  lookup(name: string, offset: number): VariableDefinition | undefined;
  /** Every variable visible at `offset` (its latest definition each). */
  visibleAt(offset: number): VariableDefinition[];
  /** References that see `definition`. */
  referencesTo(definition: VariableDefinition): ResolvedReference[];
}

/** Platform ARGs every build defines in the global scope (usable in FROM, and after a bare ARG). */
const platformArgNames = [...predefinedArgs.keys()].filter((name) => !/proxy$/i.test(name));

/** Instructions whose arguments BuildKit expands. */
const expandingInstructions = new Set([
  'ENV',
  'LABEL',
  'ADD',
  'COPY',
  'WORKDIR',
  'USER',
  'VOLUME',
  'STOPSIGNAL',
  'ARG',
  'EXPOSE',
  'FROM',
]);
/** Flags whose values BuildKit expands. */
const expandingFlags = new Set(['chown', 'chmod', 'checksum', 'mount', 'platform']);

class Scope {
  readonly byName = new Map<string, VariableDefinition[]>();

  constructor(readonly parent: { scope: Scope; until: number } | undefined) {}

  add(def: VariableDefinition): void {
    const list = this.byName.get(def.name);
    if (list) list.push(def);
    else this.byName.set(def.name, [def]);
  }

  lookup(name: string, offset: number): VariableDefinition | undefined {
    const list = this.byName.get(name);
    if (list) {
      for (let i = list.length - 1; i >= 0; i--) if (list[i].visibleFrom <= offset) return list[i];
    }
    return this.parent?.scope.lookup(name, this.parent.until);
  }

  visible(offset: number, out: Map<string, VariableDefinition>): void {
    if (this.parent) this.parent.scope.visible(this.parent.until, out);
    for (const [name, list] of this.byName) {
      for (let i = list.length - 1; i >= 0; i--) {
        if (list[i].visibleFrom <= offset) {
          out.set(name, list[i]);
          break;
        }
      }
    }
  }
}

/** Works out every definition and what each reference sees. Linear in the file size. */
export function analyzeVariables(df: Dockerfile): VariableAnalysis {
  const definitions: VariableDefinition[] = [];
  const global = new Scope(undefined);
  for (const name of platformArgNames) global.add(predefined(name, true));
  const stagePath = predefined('PATH', false); // every stage has PATH (BuildKit adds a default)
  const stageScopes: Scope[] = [];

  for (const instruction of df.globalArgs) addArgs(instruction, global, global, true, definitions);
  for (const stage of df.stages) {
    const base = parentStage(df, stage);
    const parent = base ? { scope: stageScopes[base.index], until: base.endOffset } : undefined;
    const scope = new Scope(parent);
    if (!parent) scope.add(stagePath);
    for (const instruction of stage.instructions) {
      if (instruction.name === 'ARG') addArgs(instruction, scope, global, false, definitions);
      else if (instruction.name === 'ENV' && instruction.command?.kind === 'ENV') {
        for (const pair of instruction.command.env) {
          const def: VariableDefinition = {
            name: pair.key,
            kind: 'ENV',
            instruction,
            nameSpan: pair.keyToken,
            value: pair.value,
            global: false,
            inherits: undefined,
            visibleFrom: instruction.endOffset,
          };
          scope.add(def);
          definitions.push(def);
        }
      }
    }
    stageScopes.push(scope);
  }

  // Text after a stage's last instruction (blank lines, a line being typed) still belongs to it.
  const scopeAt = (offset: number): Scope => {
    const stages = df.stages;
    let lo = 0;
    let hi = stages.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (stages[mid].startOffset <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0 || offset <= stages[found].from.endOffset) return global;
    return stageScopes[found];
  };

  const references: ResolvedReference[] = [];
  const byDefinition = new Map<VariableDefinition, ResolvedReference[]>();
  for (const instruction of df.instructions) {
    const scope = instruction.name === 'FROM' ? global : scopeAt(instruction.startOffset);
    for (const reference of instruction.variables) {
      const definition = scope.lookup(reference.name, reference.startOffset);
      const resolved = {
        reference,
        instruction,
        definition,
        expandedByBuilder: expandedByBuilder(instruction, reference),
      };
      references.push(resolved);
      if (definition) {
        const list = byDefinition.get(definition);
        if (list) list.push(resolved);
        else byDefinition.set(definition, [resolved]);
      }
    }
  }

  return {
    definitions,
    references,
    lookup: (name, offset) => scopeAt(offset).lookup(name, offset),
    visibleAt: (offset) => {
      const out = new Map<string, VariableDefinition>();
      scopeAt(offset).visible(offset, out);
      return [...out.values()];
    },
    referencesTo: (definition) => byDefinition.get(definition) ?? [],
  };
}

function predefined(name: string, global: boolean): VariableDefinition {
  return {
    name,
    kind: 'predefined',
    instruction: undefined,
    nameSpan: undefined,
    value: undefined,
    global,
    inherits: undefined,
    visibleFrom: -1,
  };
}

function addArgs(
  instruction: Instruction,
  scope: Scope,
  global: Scope,
  isGlobal: boolean,
  out: VariableDefinition[],
) {
  if (instruction.command?.kind !== 'ARG') return;
  for (const arg of instruction.command.args) {
    const keyEnd = Math.min(arg.token.startOffset + arg.key.length, arg.token.endOffset);
    const def: VariableDefinition = {
      name: arg.key,
      kind: 'ARG',
      instruction,
      nameSpan: keySpan(arg.token, keyEnd),
      value: arg.value,
      global: isGlobal,
      inherits: !isGlobal && arg.value === undefined ? global.lookup(arg.key, Infinity) : undefined,
      visibleFrom: arg.token.endOffset,
    };
    scope.add(def);
    out.push(def);
  }
}

/** The span of a word's first characters up to `keyEnd` (an ARG name sits on one line). */
function keySpan(word: Span, keyEnd: number): Span {
  const start = word.range.start;
  return {
    range: { start, end: { line: start.line, character: start.character + (keyEnd - word.startOffset) } },
    startOffset: word.startOffset,
    endOffset: keyEnd,
  };
}

function expandedByBuilder(instruction: Instruction, reference: VariableReference): boolean {
  const at = reference.startOffset;
  for (const flag of instruction.flags) {
    if (flag.valueSpan && at >= flag.valueSpan.startOffset && at < flag.valueSpan.endOffset) {
      return expandingFlags.has(flag.name);
    }
  }
  for (const heredoc of instruction.heredocs) {
    if (at >= heredoc.body.startOffset && at <= heredoc.body.endOffset) {
      return heredoc.expand && (instruction.name === 'COPY' || instruction.name === 'ADD');
    }
  }
  return expandingInstructions.has(instruction.name);
}

/**
 * The stage a `FROM` builds on, when its base names an earlier stage (names compared without
 * case). BuildKit compares the base as written with the lower-cased stage names, so `FROM Build`
 * after `AS Build` is, for BuildKit, an image reference that fails ("repository name must be
 * lowercase"); the editor treats it as the stage the author meant.
 */
export function parentStage(df: Dockerfile, stage: Stage): Stage | undefined {
  let parents = parentsOf.get(df);
  if (!parents) {
    // All at once, in one pass (a search back per stage was quadratic in the number of stages).
    parents = [];
    const latest = new Map<string, Stage>();
    for (const s of df.stages) {
      const base = s.base?.value.toLowerCase();
      parents.push(base === undefined ? undefined : latest.get(base));
      if (s.name !== undefined) latest.set(s.name, s);
    }
    parentsOf.set(df, parents);
  }
  return df.stages[stage.index] === stage ? parents[stage.index] : undefined;
}

/** The parent of each stage, per parse (one entry per Dockerfile, so a WeakMap costs nothing). */
const parentsOf = new WeakMap<Dockerfile, Array<Stage | undefined>>();
