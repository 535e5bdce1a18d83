import * as assert from 'node:assert/strict';
import { fixed, messages } from '../../../server/helpers';

describe('rules/UnknownCheckName', () => {
  it('reports names in # check= that are no check', () => {
    assert.deepEqual(
      messages('# check=skip=UndefinedVar,JsonArgsRecommended,Nope\nFROM debian\n', 'UnknownCheckName'),
      [
        'Unknown check JsonArgsRecommended (did you mean JSONArgsRecommended?): it skips nothing',
        'Unknown check Nope: it skips nothing',
      ],
    );
  });
  it('fixes a near miss', () => {
    assert.equal(
      fixed('# check=skip=UndefinedVr\nFROM debian\n', 'UnknownCheckName'),
      '# check=skip=UndefinedVar\nFROM debian\n',
    );
  });
});
