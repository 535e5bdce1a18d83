// Every lint rule, in the order docs/rules.md lists them: BuildKit's checks, then ours.
import { AddInsteadOfCopy } from './AddInsteadOfCopy';
import { AptGetNoInstallRecommends } from './AptGetNoInstallRecommends';
import { AptGetRecommended } from './AptGetRecommended';
import { ArchiveCopiedNotAdded } from './ArchiveCopiedNotAdded';
import { CdInsteadOfWorkdir } from './CdInsteadOfWorkdir';
import { ConsecutiveRunInstructions } from './ConsecutiveRunInstructions';
import { ConsistentInstructionCasing } from './ConsistentInstructionCasing';
import { CopyDestinationNotDirectory } from './CopyDestinationNotDirectory';
import { CopyEntireStageFilesystem } from './CopyEntireStageFilesystem';
import { CopyFromUnknownStage } from './CopyFromUnknownStage';
import { CopyIgnoredFile } from './CopyIgnoredFile';
import { CopyRelativeDestination } from './CopyRelativeDestination';
import { DisallowedRegistry } from './DisallowedRegistry';
import { DuplicateStageName } from './DuplicateStageName';
import { EnvReferencesSameInstruction } from './EnvReferencesSameInstruction';
import { ExposeInvalidFormat } from './ExposeInvalidFormat';
import { ExposeProtoCasing } from './ExposeProtoCasing';
import { FromAsCasing } from './FromAsCasing';
import { FromPlatformFlagConstDisallowed } from './FromPlatformFlagConstDisallowed';
import { HealthcheckMissing } from './HealthcheckMissing';
import { ImageTagLatest } from './ImageTagLatest';
import { ImageTagMissing } from './ImageTagMissing';
import { InvalidBaseImagePlatform } from './InvalidBaseImagePlatform';
import { InvalidDefaultArgInFrom } from './InvalidDefaultArgInFrom';
import { InvalidDefinitionDescription } from './InvalidDefinitionDescription';
import { InvalidOciLabel } from './InvalidOciLabel';
import { RequiredLabelMissing } from './RequiredLabelMissing';
import { UnexpectedLabel } from './UnexpectedLabel';
import { JSONArgsRecommended } from './JSONArgsRecommended';
import { LabelKeyInvalid } from './LabelKeyInvalid';
import { LastUserRoot } from './LastUserRoot';
import { LegacyKeyValueFormat } from './LegacyKeyValueFormat';
import { MaintainerDeprecated } from './MaintainerDeprecated';
import { MultipleInstructionsDisallowed } from './MultipleInstructionsDisallowed';
import { NoEmptyContinuation } from './NoEmptyContinuation';
import { PackageCacheNotCleaned } from './PackageCacheNotCleaned';
import { PackageManagerAssumeYes } from './PackageManagerAssumeYes';
import { PackageVersionsNotPinned } from './PackageVersionsNotPinned';
import { PipefailMissing } from './PipefailMissing';
import { PointlessCommandInRun } from './PointlessCommandInRun';
import { RedundantTargetPlatform } from './RedundantTargetPlatform';
import { ReservedStageName } from './ReservedStageName';
import type { Rule } from './rule';
import { SecretsUsedInArgOrEnv } from './SecretsUsedInArgOrEnv';
import { ShellReplacedByLink } from './ShellReplacedByLink';
import { StageNameCasing } from './StageNameCasing';
import { SudoInRun } from './SudoInRun';
import { UndefinedArgInFrom } from './UndefinedArgInFrom';
import { UndefinedVar } from './UndefinedVar';
import { UnknownCheckName } from './UnknownCheckName';
import { UnknownParserDirective } from './UnknownParserDirective';
import { UseraddLargeUid } from './UseraddLargeUid';
import { UserNotNumeric } from './UserNotNumeric';
import { WgetAndCurlMixed } from './WgetAndCurlMixed';
import { WgetProgressBar } from './WgetProgressBar';
import { WorkdirRelativePath } from './WorkdirRelativePath';
import { ZypperDistUpgrade } from './ZypperDistUpgrade';

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

export const berthRules: readonly Rule[] = [
  PackageManagerAssumeYes,
  AptGetNoInstallRecommends,
  AptGetRecommended,
  PackageCacheNotCleaned,
  PackageVersionsNotPinned,
  ZypperDistUpgrade,
  SudoInRun,
  PointlessCommandInRun,
  CdInsteadOfWorkdir,
  PipefailMissing,
  ShellReplacedByLink,
  WgetProgressBar,
  WgetAndCurlMixed,
  UseraddLargeUid,
  LastUserRoot,
  UserNotNumeric,
  ImageTagMissing,
  ImageTagLatest,
  DisallowedRegistry,
  AddInsteadOfCopy,
  ArchiveCopiedNotAdded,
  CopyDestinationNotDirectory,
  CopyFromUnknownStage,
  CopyRelativeDestination,
  CopyEntireStageFilesystem,
  EnvReferencesSameInstruction,
  LabelKeyInvalid,
  InvalidOciLabel,
  RequiredLabelMissing,
  UnexpectedLabel,
  ConsecutiveRunInstructions,
  HealthcheckMissing,
  UnknownCheckName,
  UnknownParserDirective,
];

export const allRules: readonly Rule[] = [...buildkitRules, ...berthRules];

export function ruleNamed(name: string): Rule | undefined {
  return allRules.find((rule) => rule.name === name);
}
