// The shape of a lint rule and the context it runs in. A rule is a plain object in its own file:
// metadata (stable name, default severity, docs link, what its quick fix does) and a `check`
// function that walks the parsed model and reports findings, each with the fixes that are
// mechanical enough to apply without asking.
import type { DiagnosticTag, Range, TextEdit } from 'vscode-languageserver-types';
import type { Dockerfile, Instruction, Span, Stage } from '../../../engine/src/dockerfile/model';
import type { Symbols } from '../analysis/symbols';
import type { DockerfileDocument } from '../document';
import type { ServiceEnvironment } from '../environment';
import type { Severity } from '../settings';

export interface Rule {
  /** Stable id: BuildKit's check name for its checks, ours in the same PascalCase style. */
  readonly name: string;
  /** `buildkit`: one of BuildKit's build checks (honours `# check=`); `berth`: ours. */
  readonly source: 'buildkit' | 'berth';
  /** One sentence: what the rule checks. Shown in settings and docs/rules.md. */
  readonly description: string;
  readonly url: string;
  readonly severity: Severity | 'off';
  /** BuildKit's experimental checks run only when `# check=experimental=` names them. */
  readonly experimental?: boolean;
  /** hadolint codes whose ground this rule covers. */
  readonly hadolint?: readonly string[];
  /** What the quick fix does, when the rule has one. */
  readonly fix?: string;
  check(context: RuleContext): void;
}

export interface Fix {
  readonly title: string;
  readonly edits: readonly TextEdit[];
  /** The one fix to apply by default (and in "fix all"). */
  readonly preferred?: boolean;
}

export interface Finding {
  readonly rule: Rule;
  readonly range: Range;
  readonly message: string;
  readonly fixes: readonly Fix[];
  readonly tags?: readonly DiagnosticTag[];
}

export interface ReportOptions {
  readonly fixes?: readonly Fix[];
  readonly tags?: readonly DiagnosticTag[];
}

const instructionsKey = Symbol('instructions');

export class RuleContext {
  constructor(
    readonly document: DockerfileDocument,
    readonly environment: ServiceEnvironment,
    readonly rule: Rule,
    private readonly sink: Finding[],
  ) {}

  get dockerfile(): Dockerfile {
    return this.document.dockerfile;
  }

  get symbols(): Symbols {
    return this.document.symbols;
  }

  get text(): string {
    return this.document.text;
  }

  report(where: Span | Range, message: string, options: ReportOptions = {}): void {
    const range = 'range' in where ? where.range : where;
    this.sink.push({ rule: this.rule, range, message, fixes: options.fixes ?? [], tags: options.tags });
  }

  /** Every instruction (global ARGs, then each stage's FROM and body), with the stage it belongs to. */
  instructions(): readonly { instruction: Instruction; stage: Stage | undefined }[] {
    return this.document.cached(instructionsKey, () => {
      const out: { instruction: Instruction; stage: Stage | undefined }[] = [];
      for (const instruction of this.dockerfile.globalArgs) out.push({ instruction, stage: undefined });
      for (const stage of this.dockerfile.stages) {
        out.push({ instruction: stage.from, stage });
        for (const instruction of stage.instructions) out.push({ instruction, stage });
      }
      return out;
    });
  }

  /** A span of the document from offsets. */
  span(startOffset: number, endOffset: number): Span {
    const dockerfile = this.dockerfile;
    return {
      startOffset,
      endOffset,
      range: { start: dockerfile.positionAt(startOffset), end: dockerfile.positionAt(endOffset) },
    };
  }

  /** An edit replacing `[startOffset, endOffset)` with `newText`. */
  edit(startOffset: number, endOffset: number, newText: string): TextEdit {
    return { range: this.span(startOffset, endOffset).range, newText };
  }
}
