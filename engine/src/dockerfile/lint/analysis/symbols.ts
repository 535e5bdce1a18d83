// What the names in a Dockerfile refer to. Variables come from the parser's variable model
// (BuildKit's scoping: global ARGs for FROM lines, per-stage ARG/ENV, a bare `ARG NAME` taking
// the global value, a child stage seeing its parent's), so the builder and the editor never
// disagree. Stages are tracked here with every place that names them (FROM <stage>,
// COPY --from, RUN --mount=from). Built once per document version.
import { analyzeVariables, parentStage } from '../..';
import type {
  Dockerfile,
  Instruction,
  Span,
  Stage,
  VariableAnalysis,
  VariableDefinition,
  VariableReference,
} from '../..';
import { mountOptions, touches } from './spans';

/** A variable declared in this Dockerfile (ARG or ENV, not a predefined one). */
export interface VariableDeclaration {
  readonly name: string;
  readonly kind: 'ARG' | 'ENV';
  readonly nameSpan: Span;
  /** The default (ARG) or value (ENV) as written; undefined for `ARG name`. */
  readonly value: string | undefined;
  readonly instruction: Instruction;
  /** The stage it belongs to; undefined for a global ARG (before the first FROM). */
  readonly stage: Stage | undefined;
  /** For `ARG NAME` inside a stage: the global ARG it takes its value from. */
  readonly inherits: VariableDeclaration | undefined;
  readonly definition: VariableDefinition;
}

export interface VariableUse {
  readonly reference: VariableReference;
  readonly instruction: Instruction;
  readonly stage: Stage | undefined;
  /** The declaration in scope at this use, if the Dockerfile declares one. */
  readonly declaration: VariableDeclaration | undefined;
  /** True when some definition is in scope, predefined ones (platform ARGs, PATH) included. */
  readonly defined: boolean;
  /** True when BuildKit expands this reference itself (not shell text, which the shell expands). */
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

export class Symbols {
  readonly variables: VariableAnalysis;
  readonly declarations: VariableDeclaration[] = [];
  readonly uses: VariableUse[] = [];
  readonly stageReferences: StageReference[] = [];
  private readonly byDefinition = new Map<VariableDefinition, VariableDeclaration>();
  private readonly byName = new Map<string, VariableDeclaration[]>();

  constructor(readonly dockerfile: Dockerfile) {
    this.variables = analyzeVariables(dockerfile);
    for (const definition of this.variables.definitions) this.declare(definition);
    for (const resolved of this.variables.references) {
      const stage = this.stageOf(resolved.instruction);
      this.uses.push({
        reference: resolved.reference,
        instruction: resolved.instruction,
        stage,
        declaration: resolved.definition && this.byDefinition.get(resolved.definition),
        defined: resolved.definition !== undefined,
        expandedByBuilder: resolved.expandedByBuilder,
      });
    }
    for (const stage of dockerfile.stages) {
      const parent = this.baseStage(stage);
      if (parent && stage.base)
        this.stageReferences.push({ span: stage.base, stage: parent, instruction: stage.from });
      for (const instruction of stage.instructions) this.stageReferencesOf(instruction, stage);
    }
  }

  private declare(definition: VariableDefinition): VariableDeclaration | undefined {
    if (definition.kind === 'predefined' || !definition.instruction || !definition.nameSpan) return undefined;
    const existing = this.byDefinition.get(definition);
    if (existing) return existing;
    const declaration: VariableDeclaration = {
      name: definition.name,
      kind: definition.kind,
      nameSpan: definition.nameSpan,
      value: definition.value,
      instruction: definition.instruction,
      stage: definition.global ? undefined : this.stageOf(definition.instruction),
      inherits: definition.inherits && this.declare(definition.inherits),
      definition,
    };
    this.byDefinition.set(definition, declaration);
    this.declarations.push(declaration);
    const list = this.byName.get(declaration.name);
    if (list) list.push(declaration);
    else this.byName.set(declaration.name, [declaration]);
    return declaration;
  }

  private stageOf(instruction: Instruction): Stage | undefined {
    return this.dockerfile.stageAt(instruction.startOffset);
  }

  private readonly parents = new Map<Stage, Stage | undefined>();

  /** The stage a FROM builds on, when its base names an earlier stage. */
  baseStage(stage: Stage): Stage | undefined {
    if (!this.parents.has(stage)) this.parents.set(stage, parentStage(this.dockerfile, stage));
    return this.parents.get(stage);
  }

  private referenced: Set<Stage> | undefined;

  /** True when another stage builds on, copies from or mounts `stage`. */
  isReferenced(stage: Stage): boolean {
    this.referenced ??= new Set(this.stageReferences.map((r) => r.stage));
    return this.referenced.has(stage);
  }

  /** The stage a `--from`/`from=` value names: a stage name or a stage index, before `before`. */
  stageNamed(value: string, before: number = Number.MAX_SAFE_INTEGER): Stage | undefined {
    const stages = this.dockerfile.stages;
    if (/^\d+$/.test(value)) {
      const stage = stages[Number(value)];
      return stage && stage.index < before ? stage : undefined;
    }
    const name = value.toLowerCase();
    for (let i = Math.min(before, stages.length) - 1; i >= 0; i--)
      if (stages[i].name === name) return stages[i];
    return undefined;
  }

  private stageReferencesOf(instruction: Instruction, stage: Stage): void {
    for (const flag of instruction.flags) {
      if (flag.valueSpan === undefined || flag.value === undefined) continue;
      if (flag.name === 'from' && (instruction.name === 'COPY' || instruction.name === 'ADD')) {
        const target = this.stageNamed(flag.value, stage.index);
        if (target) this.stageReferences.push({ span: flag.valueSpan, stage: target, instruction });
      } else if (flag.name === 'mount' && instruction.name === 'RUN') {
        const from = mountOptions(this.dockerfile, flag.valueSpan).find((o) => o.key === 'from');
        const target = from && this.stageNamed(from.value, stage.index);
        if (from && target) this.stageReferences.push({ span: from.span, stage: target, instruction });
      }
    }
  }

  /** Declared variables visible at `offset` (latest declaration of each name). */
  scopeAt(offset: number): Map<string, VariableDeclaration> {
    const scope = new Map<string, VariableDeclaration>();
    for (const definition of this.variables.visibleAt(offset)) {
      const declaration = this.byDefinition.get(definition);
      if (declaration) scope.set(declaration.name, declaration);
    }
    return scope;
  }

  /** Every definition visible at `offset`, predefined ones included (for "did you mean"). */
  namesVisibleAt(offset: number): string[] {
    return this.variables.visibleAt(offset).map((d) => d.name);
  }

  /** The variable or stage name at `offset`, if any. */
  symbolAt(offset: number): SymbolAt | undefined {
    for (const declaration of this.declarations) {
      if (touches(declaration.nameSpan, offset)) {
        return { kind: 'variable', name: declaration.name, span: declaration.nameSpan, declaration };
      }
    }
    for (const use of this.uses) {
      if (touches(use.reference.nameSpan, offset)) {
        return {
          kind: 'variable',
          name: use.reference.name,
          span: use.reference.nameSpan,
          declaration: use.declaration,
        };
      }
    }
    for (const stage of this.dockerfile.stages) {
      if (stage.nameToken && touches(stage.nameToken, offset))
        return { kind: 'stage', span: stage.nameToken, stage };
    }
    for (const reference of this.stageReferences) {
      if (touches(reference.span, offset))
        return { kind: 'stage', span: reference.span, stage: reference.stage };
    }
    return undefined;
  }

  /**
   * Declarations of one name are one variable within a stage (redeclaring extends it), and a
   * stage's bare `ARG NAME` joins the global ARG it inherits: renaming one renames all of them.
   */
  rootOf(declaration: VariableDeclaration | undefined): VariableDeclaration | undefined {
    if (!declaration) return undefined;
    if (declaration.inherits) return this.rootOf(declaration.inherits);
    const sameName = this.declarationsNamed(declaration.name);
    if (declaration.stage === undefined) return sameName.find((d) => d.stage === undefined);
    const inStage = sameName.filter((d) => d.stage === declaration.stage);
    const inherited = inStage.find((d) => d.inherits);
    return inherited ? this.rootOf(inherited) : inStage[0];
  }

  /** Every declaration and use that denotes the same variable as `declaration`. */
  variableOccurrences(name: string, declaration: VariableDeclaration | undefined): Span[] {
    const identity = this.rootOf(declaration);
    const spans: Span[] = [];
    if (identity === undefined) {
      for (const use of this.uses)
        if (use.reference.name === name && !use.declaration) spans.push(use.reference.nameSpan);
      return spans;
    }
    for (const d of this.declarationsNamed(name)) if (this.rootOf(d) === identity) spans.push(d.nameSpan);
    for (const use of this.uses) {
      if (use.reference.name === name && this.rootOf(use.declaration) === identity)
        spans.push(use.reference.nameSpan);
    }
    return spans.sort((a, b) => a.startOffset - b.startOffset);
  }

  declarationsNamed(name: string): readonly VariableDeclaration[] {
    return this.byName.get(name) ?? [];
  }

  /** Variables declared globally (`undefined`) or at the end of a stage, for completion. */
  declaredIn(stage: Stage | undefined): ReadonlyMap<string, VariableDeclaration> {
    return this.scopeAt(
      stage ? stage.endOffset : (this.dockerfile.stages[0]?.from.startOffset ?? this.dockerfile.text.length),
    );
  }
}
