// BuildKit's check configuration: the `# check=skip=…;error=…;experimental=…` parser directive for
// the whole file, and the same syntax in a comment directly above an instruction for that
// instruction only. The options are parsed by the one parser (engine/src/dockerfile), so the same
// text skips the same rules here and in a build.
import { emptyCheckConfig, parseCheckOptions, type CheckConfig } from '../..';
import type { Directive, Instruction } from '../../model';

/** The file-level configuration from the `# check=` directive (invalid text: nothing skipped). */
export function fileCheckConfig(directives: readonly Directive[]): CheckConfig {
  const directive = directives.find((d) => d.name === 'check');
  return (directive && parseCheckOptions(directive.value).config) ?? emptyCheckConfig;
}

/**
 * The configuration for one instruction: the file's, merged with the first `check=` comment
 * directly above the instruction (BuildKit reads only the text up to the first space).
 */
export function instructionCheckConfig(file: CheckConfig, instruction: Instruction): CheckConfig {
  for (const comment of instruction.comments) {
    const match = /^\s*check\s*=\s*(.*)$/i.exec(comment);
    if (!match) continue;
    const parsed = parseCheckOptions(match[1].split(' ')[0]).config;
    if (!parsed) return file;
    return {
      skipAll: file.skipAll || parsed.skipAll,
      skip: new Set([...file.skip, ...parsed.skip]),
      experimentalAll: file.experimentalAll || parsed.experimentalAll,
      experimental: new Set([...file.experimental, ...parsed.experimental]),
      error: file.error,
    };
  }
  return file;
}
