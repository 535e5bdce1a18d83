import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { allRules, berthRules, buildkitRules } from '../../../engine/src/dockerfile/lint/rules/index';
import { configurationSections, projectRoot, rulesMarkdown, rulesSettings } from '../../tools/rulesCatalog';

describe('server/rules catalog', () => {
  it('has all 22 BuildKit checks under their official names, and unique names overall', () => {
    assert.equal(buildkitRules.length, 22);
    assert.equal(new Set(allRules.map((r) => r.name)).size, allRules.length);
    assert.ok(berthRules.every((r) => /^[A-Z][A-Za-z]+$/.test(r.name)));
  });

  it('docs/rules.md is up to date (npm run rules)', () => {
    const doc = readFileSync(path.join(projectRoot, 'docs', 'rules.md'), 'utf8');
    // Compare ignoring table padding that prettier may add.
    const norm = (s: string) =>
      s
        .replace(/[ \t]+/g, ' ')
        .replace(/\| -+ /g, '| --- ')
        .trim();
    assert.equal(norm(doc), norm(rulesMarkdown()));
  });

  it('package.json contributes a severity setting for every rule (npm run rules)', () => {
    const manifest = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8'));
    const contributed: Record<string, unknown> = {};
    for (const section of configurationSections(manifest)) {
      for (const [key, value] of Object.entries(section.properties ?? {})) {
        if (key.startsWith('berth.dockerfile.')) contributed[key] = value;
      }
    }
    assert.deepEqual(contributed, rulesSettings());
  });
});
