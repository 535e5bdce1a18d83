// An incremental parse (given the previous version's parse, it takes over the instructions before
// the first change) must be the same model, node for node, range for range, as a parse from
// scratch: checked over chains of random edits of every corpus file and of the 5,000-line files.

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseDockerfile, type Dockerfile } from '../../../engine/src/dockerfile';
import { corpusDockerfiles, fixturePath } from '../../helpers/fixtures';
import { edit, modelSnapshot } from '../../helpers/incremental';
import { random } from '../../helpers/mutate';

interface Chain {
  steps: number;
  /** Steps where the new parse took over instructions of the previous one. */
  reused: number;
}

/** Edits `text` `steps` times, parsing each version both ways; fails on the first difference. */
function checkChain(name: string, text: string, steps: number, next: () => number): Chain {
  let previous: Dockerfile = parseDockerfile(text);
  const chain: Chain = { steps, reused: 0 };
  for (let step = 0; step < steps; step++) {
    const edited = edit(text, next);
    const firstBefore = previous.instructions[0];
    const incremental = parseDockerfile(edited, previous);
    if (firstBefore !== undefined && incremental.instructions[0] === firstBefore) chain.reused++;
    const scratch = parseDockerfile(edited);
    const got = modelSnapshot(incremental);
    const want = modelSnapshot(scratch);
    if (got !== want) {
      assert.equal(
        got,
        want,
        `${name}, edit ${step}: the incremental parse differs from a parse from scratch of ${JSON.stringify(edited.slice(0, 2000))}`,
      );
    }
    previous = incremental;
    text = edited;
  }
  return chain;
}

describe('incremental parsing', function () {
  this.timeout(120_000);

  it('equals a parse from scratch over random edits of every corpus file', () => {
    const next = random(0x1c4e);
    let reused = 0;
    let steps = 0;
    for (const { name, text } of corpusDockerfiles()) {
      const chain = checkChain(name, text, 5, next);
      reused += chain.reused;
      steps += chain.steps;
    }
    // The check is only worth something if the incremental path ran: most edits leave a prefix.
    assert.ok(reused > steps / 3, `only ${reused} of ${steps} parses took over instructions`);
  });

  for (const file of ['multistage-5k.Dockerfile', 'singlestage-5k.Dockerfile']) {
    it(`equals a parse from scratch over random edits of ${file}`, () => {
      const text = readFileSync(fixturePath('large', file), 'utf8');
      const chain = checkChain(file, text, 20, random(file.length * 7919));
      assert.ok(chain.reused > chain.steps / 3, `only ${chain.reused} of ${chain.steps} parses reused`);
    });
  }

  it('equals a parse from scratch for edits near escapes, heredocs, directives and CRLF', () => {
    const texts = [
      '# escape=`\nFROM a\nRUN x `\n  y\n',
      'FROM a\nRUN <<EOF\nbody\nEOF\nRUN b\n',
      'FROM a\nRUN <<EOF\nbody\n',
      'FROM a\r\nRUN x \\\r\n  y\r\nRUN z\r\n',
      'FROM a\nRUN x \\\n# inner\n\n  y\nRUN z',
      '# syntax=x\n# check=skip=all\nFROM a\nONBUILD RUN --mount=type=cache,target=/x b\n',
      'RUN before\nARG A\nFROM $A AS b\nFROM b\nCOPY --from=b x y\n',
      'FROM a\nRUN x \\',
    ];
    const next = random(0xed17);
    for (const [i, text] of texts.entries()) checkChain(`text #${i}`, text, 60, next);
  });

  it('takes over a parse at most once', () => {
    const first = parseDockerfile('FROM a\nRUN b\nRUN c\n');
    const second = parseDockerfile('FROM a\nRUN b\nRUN d\n', first);
    assert.equal(second.instructions[0], first.instructions[0]);
    // A second parse against the same previous one cannot share its nodes again.
    const third = parseDockerfile('FROM a\nRUN b\nRUN e\n', first);
    assert.notEqual(third.instructions[0], first.instructions[0]);
    assert.equal(modelSnapshot(third), modelSnapshot(parseDockerfile('FROM a\nRUN b\nRUN e\n')));
    assert.equal(modelSnapshot(second), modelSnapshot(parseDockerfile('FROM a\nRUN b\nRUN d\n')));
  });
});
