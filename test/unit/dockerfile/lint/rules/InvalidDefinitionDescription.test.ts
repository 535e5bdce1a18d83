import * as assert from 'node:assert/strict';
import { environmentWith, fixed, messages } from '../../../server/helpers';

describe('rules/InvalidDefinitionDescription', () => {
  it('is experimental: silent unless enabled', () => {
    assert.deepEqual(
      messages('# the builder\nFROM alpine AS build\n', 'InvalidDefinitionDescription', environmentWith()),
      [],
    );
  });
  it('reports comments that do not start with the name when enabled by # check=experimental', () => {
    const text =
      '# check=experimental=InvalidDefinitionDescription\n\n# the builder\nFROM alpine AS build\n# version to use\nARG VERSION=1\n';
    assert.deepEqual(messages(text, 'InvalidDefinitionDescription', environmentWith()), [
      'Comment for FROM should follow the format: `# build <description>`',
      'Comment for ARG should follow the format: `# VERSION <description>`',
    ]);
  });
  it('accepts descriptions that start with the name', () => {
    assert.deepEqual(
      messages('# build compiles\nFROM alpine AS build\n', 'InvalidDefinitionDescription'),
      [],
    );
  });
  it('prefixes the comment with the name', () => {
    assert.equal(
      fixed('# compiles\nFROM alpine AS build\n', 'InvalidDefinitionDescription'),
      '# build compiles\nFROM alpine AS build\n',
    );
  });
});
