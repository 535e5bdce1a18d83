import type { Rule } from './rule';
import { berthRuleUrl } from './support';

const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
const url = /^[a-z][a-z0-9+.-]*:\/\/\S+$/i;
const spdx = /^[A-Za-z0-9.+-]+(?:\s+(?:AND|OR|WITH)\s+[A-Za-z0-9.+-]+|\s*[()]\s*)*$/;

/** The formats the OCI image spec gives its pre-defined annotation keys. */
const formats: Record<string, { check: (v: string) => boolean; what: string }> = {
  'org.opencontainers.image.created': {
    check: (v) => rfc3339.test(v),
    what: 'a date-time in RFC 3339 format',
  },
  'org.opencontainers.image.url': { check: (v) => url.test(v), what: 'a URL' },
  'org.opencontainers.image.source': { check: (v) => url.test(v) || /^git@/.test(v), what: 'a URL' },
  'org.opencontainers.image.documentation': { check: (v) => url.test(v), what: 'a URL' },
  'org.opencontainers.image.licenses': { check: (v) => spdx.test(v), what: 'an SPDX license expression' },
  'org.opencontainers.image.revision': {
    check: (v) => /^[0-9a-f]{7,64}$/i.test(v) || !/\s/.test(v),
    what: 'a revision id',
  },
};

export const InvalidOciLabel: Rule = {
  name: 'InvalidOciLabel',
  source: 'berth',
  description:
    'Labels with OCI annotation keys (org.opencontainers.image.*) must have the format the OCI image spec gives them (created: RFC 3339, url/source/documentation: URL, licenses: SPDX), and no label should be empty.',
  url: berthRuleUrl('InvalidOciLabel'),
  severity: 'warning',
  hadolint: ['DL3051', 'DL3052', 'DL3053', 'DL3054', 'DL3055', 'DL3056', 'DL3058'],
  check(context) {
    for (const { instruction } of context.instructions('LABEL')) {
      if (instruction.command?.kind !== 'LABEL') continue;
      for (const pair of instruction.command.labels) {
        const value = pair.value.replace(/^(["'])(.*)\1$/, '$2');
        if (value.includes('$')) continue;
        if (value.trim() === '') {
          context.report(pair.keyToken, `Label \`${pair.key}\` is empty.`);
          continue;
        }
        const format = formats[pair.key];
        if (format && !format.check(value))
          context.report(pair.valueToken, `Label \`${pair.key}\` should be ${format.what}, not "${value}"`);
      }
    }
  },
};
