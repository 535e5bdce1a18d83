// Where the code lenses go: above each FROM, "Build" (the whole file), "Build stage <name>" (docker
// build --target) and "Run" (build up to that stage, then run it). Stages come from Berth's one
// Dockerfile parser. No `vscode` here; build/codeLens.ts shows them.
import { parseDockerfile } from '../../../engine/src/dockerfile';

export interface StageLens {
  /** 0-based line of the FROM. */
  readonly line: number;
  readonly title: string;
  readonly command: 'berth.images.build' | 'berth.images.buildAndRun';
  /** The stage to build up to; undefined for the whole file. */
  readonly target?: string;
}

/** The lenses for a Dockerfile's text. */
export function stageLenses(text: string): StageLens[] {
  const { stages } = parseDockerfile(text);
  const lenses: StageLens[] = [];
  stages.forEach((stage, i) => {
    const line = stage.from.range.start.line;
    const last = i === stages.length - 1;
    // --target needs a stage name; the last stage is what a plain build makes anyway.
    const target = !last && stage.name ? stage.name : undefined;
    lenses.push({ line, title: '$(tools) Build', command: 'berth.images.build' });
    if (target) lenses.push({ line, title: `Build stage ${target}`, command: 'berth.images.build', target });
    if (last || target)
      lenses.push({ line, title: '$(play) Run', command: 'berth.images.buildAndRun', target });
  });
  return lenses;
}
