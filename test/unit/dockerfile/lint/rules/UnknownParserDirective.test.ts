import * as assert from 'node:assert/strict';
import { fixed, messages } from '../../../server/helpers';

describe('rules/UnknownParserDirective', () => {
  it('reports a misspelt directive at the top', () => {
    assert.deepEqual(messages('# sytax=docker/dockerfile:1\nFROM debian\n', 'UnknownParserDirective'), [
      "Unknown parser directive 'sytax' (did you mean syntax?): BuildKit reads this line as a comment",
    ]);
    assert.deepEqual(messages('# foo=bar\nFROM debian\n# sytax=x\n', 'UnknownParserDirective'), []);
  });
  it('fixes it', () => {
    assert.equal(
      fixed('# sytax=docker/dockerfile:1\nFROM debian\n', 'UnknownParserDirective'),
      '# syntax=docker/dockerfile:1\nFROM debian\n',
    );
  });
});
