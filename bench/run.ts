// `npm run bench [-- <name>… ] [-- --quick | --runs N]`: runs every benchmark entry under bench/
// (a file that calls main() at its top level; helpers such as lspClient.ts are not entries), one
// after the other so that they do not measure each other, or only the named ones. Options after the
// names go to every benchmark (each takes what it knows: --quick, --runs N). Each writes its own
// bench/results/<name>.json; this prints how each run ended and fails if one did.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const sources = join(__dirname, '..', '..', 'bench');

function entries(): string[] {
  return readdirSync(sources)
    .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
    .filter((f) => /^(void )?main\(\)/m.test(readFileSync(join(sources, f), 'utf8')))
    .map((f) => f.slice(0, -'.ts'.length))
    .sort();
}

function main(): number {
  const args = process.argv.slice(2);
  const firstOption = args.findIndex((a) => a.startsWith('-'));
  const names = firstOption < 0 ? args : args.slice(0, firstOption);
  const options = firstOption < 0 ? [] : args.slice(firstOption);
  const all = entries();
  const unknown = names.filter((n) => !all.includes(n));
  if (unknown.length > 0) {
    console.error(`no benchmark named ${unknown.join(', ')}; there are: ${all.join(', ')}`);
    return 2;
  }
  const chosen = names.length > 0 ? names : all;
  const outcomes: string[] = [];
  let failed = 0;
  for (const name of chosen) {
    console.log(`\n=== bench/${name}.ts ${options.join(' ')}`);
    const start = process.hrtime.bigint();
    const run = spawnSync(process.execPath, [join(__dirname, `${name}.js`), ...options], {
      stdio: 'inherit',
    });
    const seconds = (Number(process.hrtime.bigint() - start) / 1e9).toFixed(0);
    const ok = run.status === 0;
    if (!ok) failed++;
    const how = ok ? 'ok' : run.signal ? `killed by ${run.signal}` : `failed (exit ${run.status})`;
    outcomes.push(`${name.padEnd(12)} ${how}, ${seconds} s`);
  }
  console.log(`\n${outcomes.join('\n')}`);
  if (failed > 0) console.log(`${failed} of ${chosen.length} benchmarks failed; their output is above`);
  return failed > 0 ? 1 : 0;
}

process.exitCode = main();
