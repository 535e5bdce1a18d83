// The shape of a lint rule and the context it runs in. A rule is a plain object in its own file:
// metadata (stable name, default severity, docs link, what its quick fix does) and a `check`
// function that walks the parsed model and reports findings, each with the fixes that are
// mechanical enough to apply without asking.
import type { DiagnosticTag, Range, TextEdit } from 'vscode-languageserver-types';
import type { Dockerfile, Span } from '../../model';
import type { RunCommand, RunInvocation, RunScript } from '../analysis/runScripts';
import type { Symbols } from '../analysis/symbols';
import type { DockerfileDocument } from '../document';
import type { ServiceEnvironment } from '../environment';
import type { Severity } from '../settings';
import type { SharedAnalysis, StagedInstruction } from './shared';

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

export class RuleContext {
  constructor(
    readonly document: DockerfileDocument,
    readonly environment: ServiceEnvironment,
    readonly rule: Rule,
    private readonly sink: Finding[],
    private readonly shared: SharedAnalysis,
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

  /**
   * Every instruction (global ARGs, then each stage's FROM and body), with the stage it belongs to;
   * given keywords (upper case), only the instructions named so. Listed once per lint run.
   */
  instructions(...keywords: string[]): readonly StagedInstruction[] {
    return this.shared.instructions(...keywords);
  }

  /** The POSIX shell scripts of RUN instructions, tokenized once per lint run. */
  runScripts(): readonly RunScript[] {
    return this.shared.runScripts();
  }

  /** Every simple command of the RUN scripts, with its program name. */
  runCommands(): readonly RunCommand[] {
    return this.shared.runCommands();
  }

  /** Every package-manager invocation in the RUN scripts. */
  packageInvocations(): readonly RunInvocation[] {
    return this.shared.packageInvocations();
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
