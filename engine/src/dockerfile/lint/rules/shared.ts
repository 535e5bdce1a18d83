// What the rules of one lint run share, each worked out the first time a rule asks: the
// instructions with their stages (all of them, or those of some keywords), and the RUN scripts
// tokenized once with their commands and package-manager invocations. Without it each of the ~56
// rules would walk the whole document again, and a dozen of them tokenize the same scripts.
//
// It lives as long as the run, not as long as the document: the lint results are what the
// document keeps (for diagnostics and code actions). The tokenized scripts stay with the parse
// (analysis/runScripts.ts), so that after an edit only the RUNs it touched are tokenized again;
// a document open but not worked on is trimmed of its parse, and of them with it.
import type { Instruction, Stage } from '../../model';
import { none } from '../../nodes';
import {
  findPackageInvocations,
  findRunCommands,
  findRunScripts,
  type RunCommand,
  type RunInvocation,
  type RunScript,
} from '../analysis/runScripts';
import type { DockerfileDocument } from '../document';

export interface StagedInstruction {
  readonly instruction: Instruction;
  /** The stage the instruction belongs to; undefined for global ARGs (before the first FROM). */
  readonly stage: Stage | undefined;
}

export class SharedAnalysis {
  private all: StagedInstruction[] | undefined;
  private readonly byKeywords = new Map<string, StagedInstruction[]>();
  private scripts: RunScript[] | undefined;
  private commands: RunCommand[] | undefined;
  private invocations: RunInvocation[] | undefined;

  constructor(private readonly document: DockerfileDocument) {}

  /**
   * Every instruction in file order (global ARGs, then each stage's FROM and body) with its stage;
   * given keywords (upper case), only the instructions named so.
   */
  instructions(...keywords: string[]): readonly StagedInstruction[] {
    this.all ??= this.listInstructions();
    if (keywords.length === 0) return this.all;
    // Listed by name in the same pass as `all`: most rules ask for one keyword.
    if (keywords.length === 1) return this.byKeywords.get(keywords[0]) ?? none;
    const key = keywords.join(' ');
    let found = this.byKeywords.get(key);
    if (!found) {
      found = this.all.filter(({ instruction }) => keywords.includes(instruction.name));
      this.byKeywords.set(key, found);
    }
    return found;
  }

  /** The POSIX shell scripts of RUN instructions (command lines and shell heredoc bodies). */
  runScripts(): readonly RunScript[] {
    return (this.scripts ??= findRunScripts(this.document));
  }

  /** Every simple command of those scripts, with its program name. */
  runCommands(): readonly RunCommand[] {
    return (this.commands ??= findRunCommands(this.runScripts()));
  }

  /** Every package-manager invocation among those commands. */
  packageInvocations(): readonly RunInvocation[] {
    return (this.invocations ??= findPackageInvocations(this.runCommands()));
  }

  private listInstructions(): StagedInstruction[] {
    const dockerfile = this.document.dockerfile;
    const out: StagedInstruction[] = [];
    const add = (staged: StagedInstruction) => {
      out.push(staged);
      const named = this.byKeywords.get(staged.instruction.name);
      if (named) named.push(staged);
      else this.byKeywords.set(staged.instruction.name, [staged]);
    };
    for (const instruction of dockerfile.globalArgs) add({ instruction, stage: undefined });
    for (const stage of dockerfile.stages) {
      add({ instruction: stage.from, stage });
      for (const instruction of stage.instructions) add({ instruction, stage });
    }
    return out;
  }
}
