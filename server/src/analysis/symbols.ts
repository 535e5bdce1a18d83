// What the names in a Dockerfile refer to: ARG/ENV declarations and the variable references that
// resolve to them (BuildKit's scoping: global ARGs for FROM lines, per-stage ARG/ENV, ENV inherited
// from a parent stage), and build stages with every place that names them (FROM, COPY --from,
// RUN --mount=from). Built once per document version; navigation, hover, rename and the variable
// rules all read it.
import { mountOptions, spanOf, touches } from './spans';
import type {
  Dockerfile,
  Instruction,
  Span,
  Stage,
  VariableReference,
} from '../../../engine/src/dockerfile/model';

export interface VariableDeclaration {
  readonly name: string;
  readonly kind: 'ARG' | 'ENV';
  /** The name as written in the declaration. */
  readonly nameSpan: Span;
  /** The default (ARG) or value (ENV) as written, undefined for `ARG name`. */
  readonly value: string | undefined;
  readonly instruction: Instruction;
  /** The stage it belongs to; undefined for a global ARG (before the first FROM). */
  readonly stage: Stage | undefined;
}

export interface VariableUse {
  readonly reference: VariableReference;
  readonly instruction: Instruction;
  readonly stage: Stage | undefined;
  /** The declaration in scope at this use, if any. */
  readonly declaration: VariableDeclaration | undefined;
  /** True when BuildKit expands this reference itself (not RUN/CMD/ENTRYPOINT text, left to the shell). */
  readonly expandedByBuilder: boolean;
}

export interface StageReference {
  /** Where the stage is named (the value of `--from=`, the FROM base, `from=` in a mount). */
  readonly span: Span;
  readonly stage: Stage;
  readonly instruction: Instruction;
}

/** A name at a position: what rename, definition, references and highlights work on. */
export type SymbolAt =
  | {
      readonly kind: 'variable';
      readonly name: string;
      readonly span: Span;
      readonly declaration?: VariableDeclaration;
    }
  | { readonly kind: 'stage'; readonly span: Span; readonly stage: Stage };

/** Instructions whose arguments BuildKit expands (dispatchers with word expansion). */
const expandingInstructions: ReadonlySet<string> = new Set([
  'ADD',
  'ARG',
  'COPY',
  'ENV',
  'EXPOSE',
  'FROM',
  'LABEL',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR',
]);

export class Symbols {
  readonly declarations: VariableDeclaration[] = [];
  readonly uses: VariableUse[] = [];
  readonly stageReferences: StageReference[] = [];
  /** Stages by lower-cased name (the first one, as BuildKit resolves duplicates). */
  readonly stagesByName = new Map<string, Stage>();
  /** Names in scope at the end of each stage (ARG and ENV), for completion and hover. */
  private readonly scopeAtEnd = new Map<Stage | undefined, Map<string, VariableDeclaration>>();
  /** ENV in effect at the end of each stage, inherited by stages built FROM it. */
  private readonly envAtEnd = new Map<Stage, Map<string, VariableDeclaration>>();

  constructor(readonly dockerfile: Dockerfile) {
    for (const stage of dockerfile.stages) {
      if (stage.name !== undefined && !this.stagesByName.has(stage.name))
        this.stagesByName.set(stage.name, stage);
    }
    const global = new Map<string, VariableDeclaration>();
    for (const instruction of dockerfile.globalArgs) {
      const declared = declarationsOf(dockerfile, instruction, undefined);
      this.useAll(instruction, undefined, (name) => global.get(name), declared);
      for (const declaration of declared) {
        this.declarations.push(declaration);
        global.set(declaration.name, declaration);
      }
    }
    this.scopeAtEnd.set(undefined, global);
    for (const stage of dockerfile.stages) this.walkStage(stage, global);
  }

  private walkStage(stage: Stage, global: Map<string, VariableDeclaration>): void {
    // FROM lines see only global ARGs.
    this.useAll(stage.from, stage, (name) => global.get(name));
    const parent = this.baseStage(stage);
    if (parent) this.stageReferences.push({ span: stage.base!, stage: parent, instruction: stage.from });
    const env = new Map(parent ? this.envAtEnd.get(parent) : undefined);
    const args = new Map<string, VariableDeclaration>();
    const lookup = (name: string) => env.get(name) ?? args.get(name);
    for (const instruction of stage.instructions) {
      this.stageReferencesOf(instruction);
      const declared = declarationsOf(this.dockerfile, instruction, stage);
      this.useAll(instruction, stage, lookup, declared);
      for (const declaration of declared) {
        this.declarations.push(declaration);
        (declaration.kind === 'ENV' ? env : args).set(declaration.name, declaration);
      }
    }
    this.envAtEnd.set(stage, env);
    this.scopeAtEnd.set(stage, new Map([...args, ...env]));
  }

  /**
   * Records the variable uses of an instruction. `declared` are the instruction's own
   * declarations: an ARG's later defaults see its earlier names (`ARG A=1 B=$A`), while ENV
   * expands every value with the environment from before the instruction.
   */
  private useAll(
    instruction: Instruction,
    stage: Stage | undefined,
    lookup: (name: string) => VariableDeclaration | undefined,
    declared: readonly VariableDeclaration[] = [],
  ): void {
    const target = instruction.trigger ?? instruction;
    // ONBUILD triggers run in a later build: their variables are not resolved here.
    const expandedByBuilder = !instruction.trigger && expandingInstructions.has(instruction.name);
    for (const reference of target.variables) {
      let declaration: VariableDeclaration | undefined;
      if (instruction.name === 'ARG') {
        for (const d of declared) {
          if (d.name === reference.name && d.nameSpan.startOffset < reference.startOffset) declaration = d;
        }
      }
      declaration ??= lookup(reference.name);
      this.uses.push({ reference, instruction, stage, declaration, expandedByBuilder });
    }
  }

  /** The stage a FROM builds on, when its base names an earlier stage. */
  baseStage(stage: Stage): Stage | undefined {
    if (!stage.base) return undefined;
    const parent = this.stagesByName.get(stage.base.value.toLowerCase());
    return parent && parent.index < stage.index ? parent : undefined;
  }

  /** The stage a `--from`/`from=` value names: a stage name or a stage index. */
  stageNamed(value: string, before: number = Number.MAX_SAFE_INTEGER): Stage | undefined {
    if (/^\d+$/.test(value)) {
      const stage = this.dockerfile.stages[Number(value)];
      return stage && stage.index < before ? stage : undefined;
    }
    const stage = this.stagesByName.get(value.toLowerCase());
    return stage && stage.index < before ? stage : undefined;
  }

  private stageReferencesOf(instruction: Instruction): void {
    const stage = this.dockerfile.stageAt(instruction.startOffset);
    const before = stage ? stage.index : Number.MAX_SAFE_INTEGER;
    for (const flag of instruction.flags) {
      if (flag.valueSpan === undefined || flag.value === undefined) continue;
      if (flag.name === 'from' && (instruction.name === 'COPY' || instruction.name === 'ADD')) {
        const target = this.stageNamed(flag.value, before);
        if (target) this.stageReferences.push({ span: flag.valueSpan, stage: target, instruction });
      } else if (flag.name === 'mount' && instruction.name === 'RUN') {
        const from = mountOptions(this.dockerfile, flag.valueSpan).find((o) => o.key === 'from');
        const target = from && this.stageNamed(from.value, before);
        if (from && target) this.stageReferences.push({ span: from.span, stage: target, instruction });
      }
    }
  }

  /** Variables in scope at `offset`: global ARGs on FROM lines and before the first FROM, else the stage's. */
  scopeAt(offset: number): Map<string, VariableDeclaration> {
    const stage = this.dockerfile.stageAt(offset);
    const instruction = this.dockerfile.instructionAt(offset);
    if (!stage || instruction === stage.from) return new Map(this.scopeAtEnd.get(undefined));
    const scope = new Map<string, VariableDeclaration>(this.envAtEnd.get(this.baseStage(stage)!) ?? []);
    for (const declaration of this.declarations) {
      if (declaration.stage !== stage || declaration.instruction.startOffset >= offset) continue;
      const shadowedByEnv = declaration.kind === 'ARG' && scope.get(declaration.name)?.kind === 'ENV';
      if (!shadowedByEnv) scope.set(declaration.name, declaration);
    }
    return scope;
  }

  /** The variable or stage name at `offset`, if any. */
  symbolAt(offset: number): SymbolAt | undefined {
    const within = (span: Span) => touches(span, offset);
    for (const declaration of this.declarations) {
      if (within(declaration.nameSpan)) {
        return { kind: 'variable', name: declaration.name, span: declaration.nameSpan, declaration };
      }
    }
    for (const use of this.uses) {
      if (within(use.reference.nameSpan)) {
        return {
          kind: 'variable',
          name: use.reference.name,
          span: use.reference.nameSpan,
          declaration: use.declaration,
        };
      }
    }
    for (const stage of this.dockerfile.stages) {
      if (stage.nameToken && within(stage.nameToken)) return { kind: 'stage', span: stage.nameToken, stage };
    }
    for (const reference of this.stageReferences) {
      if (within(reference.span)) return { kind: 'stage', span: reference.span, stage: reference.stage };
    }
    return undefined;
  }

  /** Every declaration and use that denotes the same variable as `declaration` (its "identity"). */
  variableOccurrences(name: string, declaration: VariableDeclaration | undefined): Span[] {
    const identity = this.rootOf(declaration);
    const spans: Span[] = [];
    for (const d of this.declarations) {
      if (d.name === name && this.rootOf(d) === identity && (identity !== undefined || d === declaration)) {
        spans.push(d.nameSpan);
      }
    }
    for (const use of this.uses) {
      if (use.reference.name !== name) continue;
      if (
        identity === undefined ? use.declaration === undefined : this.rootOf(use.declaration) === identity
      ) {
        spans.push(use.reference.nameSpan);
      }
    }
    return spans.sort((a, b) => a.startOffset - b.startOffset);
  }

  /**
   * Declarations of one name are one variable within a stage (redeclaring extends it), and a
   * stage's `ARG NAME` without a value imports the global ARG: they share the global as root.
   */
  rootOf(declaration: VariableDeclaration | undefined): VariableDeclaration | undefined {
    if (!declaration) return undefined;
    const sameName = this.declarationsNamed(declaration.name);
    const global = sameName.find((d) => d.stage === undefined);
    if (declaration.stage === undefined) return global;
    const inStage = sameName.filter((d) => d.stage === declaration.stage);
    if (global && inStage.some((d) => d.kind === 'ARG')) return global;
    return inStage[0];
  }

  private byName: Map<string, VariableDeclaration[]> | undefined;

  declarationsNamed(name: string): readonly VariableDeclaration[] {
    if (!this.byName) {
      this.byName = new Map();
      for (const d of this.declarations) {
        const list = this.byName.get(d.name);
        if (list) list.push(d);
        else this.byName.set(d.name, [d]);
      }
    }
    return this.byName.get(name) ?? [];
  }

  /** Variables declared at the end of a stage (or globally), for completion. */
  declaredIn(stage: Stage | undefined): ReadonlyMap<string, VariableDeclaration> {
    return this.scopeAtEnd.get(stage) ?? new Map();
  }
}

/** The ARG/ENV declarations an instruction makes. */
export function declarationsOf(
  dockerfile: Dockerfile,
  instruction: Instruction,
  stage: Stage | undefined,
): VariableDeclaration[] {
  if (instruction.name === 'ENV') {
    const declarations: VariableDeclaration[] = [];
    const args = instruction.args;
    for (let i = 0; i < args.length; i++) {
      if (args[i].role !== 'key') continue;
      const value = args[i + 1]?.role === 'value' ? args[i + 1].value : undefined;
      declarations.push({ name: args[i].value, kind: 'ENV', nameSpan: args[i], value, instruction, stage });
    }
    return declarations;
  }
  if (instruction.name === 'ARG') {
    const declarations: VariableDeclaration[] = [];
    const args = instruction.args;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i];
      if (arg.role === 'key') {
        const value = args[i + 1]?.role === 'value' ? args[i + 1].value : undefined;
        declarations.push({ name: arg.value, kind: 'ARG', nameSpan: arg, value, instruction, stage });
      } else if (arg.role === 'word') {
        const eq = arg.value.indexOf('=');
        const name = eq < 0 ? arg.value : arg.value.slice(0, eq);
        const nameSpan = spanOf(dockerfile, arg.startOffset, arg.startOffset + name.length);
        declarations.push({
          name,
          kind: 'ARG',
          nameSpan,
          value: eq < 0 ? undefined : arg.value.slice(eq + 1),
          instruction,
          stage,
        });
      }
    }
    return declarations;
  }
  return [];
}
