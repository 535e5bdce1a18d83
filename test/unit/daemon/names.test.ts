import * as assert from 'node:assert/strict';
import { generateName, isValidContainerName } from '../../../engine/src/daemon/names';

describe('container names', () => {
  it('generates adjective_surname names that are not taken', () => {
    const taken = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const name = generateName((n) => taken.has(n));
      assert.match(name, /^[a-z]+_[a-z]+\d?$/);
      assert.ok(!taken.has(name));
      taken.add(name);
    }
  });

  it("follows Docker's rule for given names", () => {
    assert.ok(isValidContainerName('web-1.example_x'));
    assert.ok(isValidContainerName('/web'));
    assert.ok(!isValidContainerName('-web'));
    assert.ok(!isValidContainerName('a'));
    assert.ok(!isValidContainerName('we b'));
  });
});
