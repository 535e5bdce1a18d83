// The rule catalog in the two places users read it: docs/rules.md and the per-rule settings that
// package.json contributes (`berth.dockerfile.rules.<Name>`). Both are generated from the rule
// registry; `npm run rules` rewrites them and a unit test fails when they are out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { berthRules, buildkitRules } from '../../engine/src/dockerfile/lint/rules/index';
import type { Rule } from '../../engine/src/dockerfile/lint/rules/rule';

export const projectRoot = path.resolve(__dirname, '..', '..', '..');

const severityNames: Record<Rule['severity'], string> = {
  error: 'error',
  warning: 'warning',
  information: 'information',
  hint: 'hint',
  off: 'off',
};

function docsLink(rule: Rule): string {
  return rule.source === 'buildkit' ? ` [BuildKit docs](${rule.url})` : '';
}

export function rulesMarkdown(): string {
  const row = (rule: Rule) =>
    `| <a id="${rule.name.toLowerCase()}"></a>\`${rule.name}\` | ${severityNames[rule.severity]}${rule.experimental ? ' (experimental)' : ''} | ${rule.description.replace(/\|/g, '\\|')}${docsLink(rule)} | ${rule.fix ?? '—'} | ${rule.hadolint?.join(', ') ?? '—'} |`;
  const header =
    '| rule | default | what it checks | quick fix | hadolint |\n| --- | --- | --- | --- | --- |';
  return `# Dockerfile rules

Berth's language server checks Dockerfiles with ${buildkitRules.length} BuildKit build checks (under their official
names, with BuildKit's messages) and ${berthRules.length} rules of its own that cover hadolint's ground. This page
is generated from the rule registry (\`npm run rules\`).

## Configuring

- Severity per rule: \`berth.dockerfile.rules.<Name>\`: \`default\`, \`off\`, \`hint\`, \`information\`,
  \`warning\` or \`error\` (settings UI: *Berth*).
- In the Dockerfile, as BuildKit reads it: \`# check=skip=<Name>,<Name>\` (or \`skip=all\`) on the first lines
  skips rules for the file; the same comment directly above an instruction skips them for that instruction;
  \`# check=error=true\` shows every BuildKit check as an error (a build fails on them, with BuildKit and with \`berth build\` or \`docker build\` against berthd);
  \`# check=experimental=<Name>|all\` enables experimental checks. Every diagnostic has quick fixes that add
  these comments for you.
- \`berth.dockerfile.allowedRegistries\`: registries FROM may use (\`DisallowedRegistry\`).
- \`berth.dockerfile.requiredLabels\`: labels the final image must carry (\`RequiredLabelMissing\`); with
  \`berth.dockerfile.strictLabels\`, no other label may be set (\`UnexpectedLabel\`).

Besides these rules, every error BuildKit would stop the build with (unknown instructions and flags, bad flag
values, argument counts, invalid JSON form, bad EXPOSE ports, bad HEALTHCHECK durations, unterminated
heredocs, invalid \`# check=\` options…) is reported as an error, in BuildKit's words.

## BuildKit checks

${header}
${buildkitRules.map(row).join('\n')}

## Berth rules

${header}
${berthRules.map(row).join('\n')}

hadolint codes not listed: DL1001 (about hadolint's own pragmas), DL3011 (EXPOSE port range: a BuildKit error,
reported as such), DL3012/DL4003/DL4004 (\`MultipleInstructionsDisallowed\`), DL3023 (a stage copying from itself:
a BuildKit error), DL3024/DL3063/DL3064/DL3065/DL4000 (the BuildKit checks above), DL3029 (superseded by
\`FromPlatformFlagConstDisallowed\`), DL3043 and DL3061 (BuildKit errors). hadolint's label schema also gives
each label a format; here the OCI keys' formats are checked (\`InvalidOciLabel\`). ShellCheck is not run on RUN
scripts.
`;
}

/** The `berth.dockerfile.*` settings: a severity per rule, and the allowed registries. */
export function rulesSettings(): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const rule of [...buildkitRules, ...berthRules]) {
    const origin = rule.source === 'buildkit' ? 'BuildKit check' : 'Berth rule';
    properties[`berth.dockerfile.rules.${rule.name}`] = {
      type: 'string',
      enum: ['default', 'off', 'hint', 'information', 'warning', 'error'],
      default: 'default',
      markdownDescription: `**${rule.name}** (${origin}, default: ${rule.severity}${rule.experimental ? ', experimental' : ''}): ${rule.description}`,
    };
  }
  properties['berth.dockerfile.allowedRegistries'] = {
    type: 'array',
    items: { type: 'string' },
    default: [],
    markdownDescription:
      'Registries FROM images may come from (`docker.io`, `ghcr.io`, `*.example.com`). Empty: any registry. Checked by the `DisallowedRegistry` rule.',
  };
  properties['berth.dockerfile.requiredLabels'] = {
    type: 'array',
    items: { type: 'string' },
    default: [],
    markdownDescription:
      'Label keys the final image must carry (`org.opencontainers.image.source`, `com.example.team`). Empty: none. Checked by the `RequiredLabelMissing` rule.',
  };
  properties['berth.dockerfile.strictLabels'] = {
    type: 'boolean',
    default: false,
    markdownDescription:
      'Allow only the labels listed in `berth.dockerfile.requiredLabels`. Checked by the `UnexpectedLabel` rule.',
  };
  return properties;
}

type Section = { title?: string; properties?: Record<string, unknown> };

/** The configuration sections package.json contributes (VS Code accepts one object or an array). */
export function configurationSections(manifest: {
  contributes: { configuration?: Section | Section[] };
}): Section[] {
  const configuration = manifest.contributes.configuration;
  return Array.isArray(configuration) ? configuration : configuration ? [configuration] : [];
}

/** package.json with the `berth.dockerfile.*` settings replaced, in the first section (others untouched). */
export function packageJsonWithRules(text: string): Record<string, unknown> {
  const manifest = JSON.parse(text) as { contributes: { configuration?: Section | Section[] } };
  if (!manifest.contributes.configuration)
    manifest.contributes.configuration = { title: 'Berth', properties: {} };
  const sections = configurationSections(manifest);
  for (const section of sections) {
    for (const key of Object.keys(section.properties ?? {})) {
      if (key.startsWith('berth.dockerfile.')) delete section.properties![key];
    }
  }
  sections[0].properties = { ...sections[0].properties, ...rulesSettings() };
  return manifest;
}

if (require.main === module) {
  writeFileSync(path.join(projectRoot, 'docs', 'rules.md'), rulesMarkdown());
  const manifestPath = path.join(projectRoot, 'package.json');
  const manifest = packageJsonWithRules(readFileSync(manifestPath, 'utf8'));
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log('wrote docs/rules.md and the berth.dockerfile settings in package.json; run prettier on them');
}
