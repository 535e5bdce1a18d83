// Records what BuildKit makes of the reference cases: runs a private dockerd (Debian's docker.io,
// BuildKit 0.8 built in), builds every case with DOCKER_BUILDKIT=1, and writes the image config
// (normalised) and the probe's output to test/fixtures/build/expected/. Run as root after changing
// a case:
//
//   npm run build && node out/test/engine/build/capture-reference.js [case…]
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrivateDockerd } from '../../helpers/dockerd';
import { fixturePath } from '../../helpers/fixtures';
import { buildCases, caseDir, normalizeConfig } from './cases';

async function main(only: string[]): Promise<void> {
  const dockerd = new PrivateDockerd();
  const scratch = mkdtempSync(join(tmpdir(), 'berth-capture-'));
  const expected = fixturePath('build', 'expected');
  mkdirSync(expected, { recursive: true });
  try {
    await dockerd.start();
    dockerd.loadBusybox();
    for (const c of buildCases) {
      if (!c.reference || (only.length > 0 && !only.includes(c.name))) continue;
      const ctx = join(scratch, c.name);
      cpSync(fixturePath('build', caseDir(c)), ctx, { recursive: true });
      const common = ['build', '--network', 'host'];
      for (const [file, tag] of c.before ?? [])
        dockerd.docker([...common, '-f', join(ctx, file), '-t', tag, ctx]);
      const args = [...common, '-t', `berth-ref-${c.name}`, '-f', join(ctx, c.dockerfile ?? 'Dockerfile')];
      for (const [k, v] of Object.entries(c.buildArgs ?? {})) {
        args.push('--build-arg', `${k}=${v}`);
      }
      for (const [id, value] of Object.entries(c.secrets ?? {})) {
        const file = join(scratch, `${c.name}-secret-${id}`);
        writeFileSync(file, value);
        args.push('--secret', `id=${id},src=${file}`);
      }
      if (c.target) args.push('--target', c.target);
      dockerd.docker([...args, ctx]);
      const config = normalizeConfig(dockerd.rawConfig(`berth-ref-${c.name}`));
      writeFileSync(join(expected, `${c.name}.config.json`), `${JSON.stringify(config, null, 2)}\n`);
      const probe = dockerd.docker([
        'run',
        '--rm',
        '--network',
        'none',
        '--entrypoint',
        'sh',
        `berth-ref-${c.name}`,
        '-c',
        c.probe,
      ]);
      writeFileSync(join(expected, `${c.name}.probe.txt`), probe);
      process.stdout.write(`${c.name}: captured\n`);
    }
  } finally {
    await dockerd.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).catch((err: Error & { stderr?: Buffer }) => {
  process.stderr.write(`${err.message}\n${err.stderr?.toString() ?? ''}\n`);
  process.exitCode = 1;
});
