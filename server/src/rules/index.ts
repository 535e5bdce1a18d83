// Every lint rule, in the order docs/rules.md lists them: BuildKit's checks, then ours.
import { ConsistentInstructionCasing } from './ConsistentInstructionCasing';
import { CopyIgnoredFile } from './CopyIgnoredFile';
import { DuplicateStageName } from './DuplicateStageName';
import { ExposeInvalidFormat } from './ExposeInvalidFormat';
import { ExposeProtoCasing } from './ExposeProtoCasing';
import { FromAsCasing } from './FromAsCasing';
import { FromPlatformFlagConstDisallowed } from './FromPlatformFlagConstDisallowed';
import { InvalidBaseImagePlatform } from './InvalidBaseImagePlatform';
import { InvalidDefaultArgInFrom } from './InvalidDefaultArgInFrom';
import { InvalidDefinitionDescription } from './InvalidDefinitionDescription';
import { JSONArgsRecommended } from './JSONArgsRecommended';
import { LegacyKeyValueFormat } from './LegacyKeyValueFormat';
import { MaintainerDeprecated } from './MaintainerDeprecated';
import { MultipleInstructionsDisallowed } from './MultipleInstructionsDisallowed';
import { NoEmptyContinuation } from './NoEmptyContinuation';
import { RedundantTargetPlatform } from './RedundantTargetPlatform';
import { ReservedStageName } from './ReservedStageName';
import type { Rule } from './rule';
import { SecretsUsedInArgOrEnv } from './SecretsUsedInArgOrEnv';
import { StageNameCasing } from './StageNameCasing';
import { UndefinedArgInFrom } from './UndefinedArgInFrom';
import { UndefinedVar } from './UndefinedVar';
import { WorkdirRelativePath } from './WorkdirRelativePath';

export const buildkitRules: readonly Rule[] = [
  StageNameCasing,
  FromAsCasing,
  NoEmptyContinuation,
  ConsistentInstructionCasing,
  DuplicateStageName,
  ReservedStageName,
  JSONArgsRecommended,
  MaintainerDeprecated,
  UndefinedArgInFrom,
  WorkdirRelativePath,
  UndefinedVar,
  MultipleInstructionsDisallowed,
  LegacyKeyValueFormat,
  InvalidBaseImagePlatform,
  RedundantTargetPlatform,
  SecretsUsedInArgOrEnv,
  InvalidDefaultArgInFrom,
  FromPlatformFlagConstDisallowed,
  CopyIgnoredFile,
  InvalidDefinitionDescription,
  ExposeProtoCasing,
  ExposeInvalidFormat,
];

export const berthRules: readonly Rule[] = [];

export const allRules: readonly Rule[] = [...buildkitRules, ...berthRules];

export function ruleNamed(name: string): Rule | undefined {
  return allRules.find((rule) => rule.name === name);
}
