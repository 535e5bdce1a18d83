// The reference suite: each case of cases.ts built by Berth, run and probed from inside; its
// config compared with the one BuildKit wrote for the same Dockerfile (field order included) and
// its probe output with the probe's output in BuildKit's image.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BuildEnv, buildTestsSkipReason } from '../../helpers/build-env';
import { fixturePath } from '../../helpers/fixtures';
import { buildCases, caseDir, normalizeConfig, type BuildCase } from './cases';
import { skipIfBlocked } from '../../helpers/skip';

const skip = buildTestsSkipReason();

describe('builder: reference suite', function () {
  this.timeout(180_000);
  let env: BuildEnv;

  before(async function () {
    skipIfBlocked(this, skip, 'builder engine tests');
    env = await BuildEnv.create();
  });

  after(() => env?.close());

  async function buildCase(c: BuildCase): Promise<string> {
    const ctx = env.context(caseDir(c));
    for (const [file, tag] of c.before ?? []) {
      await env.build({ contextDir: ctx, dockerfile: file, tags: [tag] });
    }
    const secrets = Object.entries(c.secrets ?? {}).map(([id, value]) => {
      const file = join(ctx, `.secret-${id}`);
      writeFileSync(file, value);
      return { id, file };
    });
    const tag = `berth-test-${c.name}:latest`;
    await env.build({
      contextDir: ctx,
      tags: [tag],
      ...(c.dockerfile && { dockerfile: c.dockerfile }),
      ...(c.target && { target: c.target }),
      buildArgs: c.buildArgs ?? {},
      secrets,
    });
    return tag;
  }

  for (const c of buildCases) {
    it(`${c.name}: builds, and the image answers the probe${c.reference ? ' as BuildKit’s does, with BuildKit’s config' : ''}`, async () => {
      const tag = await buildCase(c);
      const probe = await env.probe(tag, ['sh', '-c', c.probe]);
      const expectedProbe = fixturePath('build', 'expected', `${c.name}.probe.txt`);
      if (c.reference) {
        assert.equal(probe, readFileSync(expectedProbe, 'utf8'));
        const expected = JSON.parse(
          readFileSync(fixturePath('build', 'expected', `${c.name}.config.json`), 'utf8'),
        );
        const actual = normalizeConfig(env.config(tag));
        assert.deepEqual(actual, expected);
        // Same fields in the same order as BuildKit writes them.
        assert.equal(JSON.stringify(actual), JSON.stringify(expected));
      } else {
        assert.ok(existsSync(expectedProbe), `write the expected probe output to ${expectedProbe}`);
        assert.equal(probe, readFileSync(expectedProbe, 'utf8'));
      }
    });
  }
});
