import * as assert from 'node:assert/strict';
import { applyEdits, findings, messages } from '../../../server/helpers';

describe('rules/MultipleInstructionsDisallowed', () => {
  it('reports the earlier CMD, ENTRYPOINT and HEALTHCHECK of a stage', () => {
    const text = 'FROM alpine\nCMD ["a"]\nCMD ["b"]\nHEALTHCHECK NONE\nHEALTHCHECK NONE\n';
    assert.deepEqual(messages(text, 'MultipleInstructionsDisallowed'), [
      'Multiple CMD instructions should not be used in the same stage because only the last one will be used',
      'Multiple HEALTHCHECK instructions should not be used in the same stage because only the last one will be used',
    ]);
  });
  it('allows one per stage', () => {
    assert.deepEqual(
      messages('FROM alpine\nCMD ["a"]\nFROM alpine\nCMD ["b"]\n', 'MultipleInstructionsDisallowed'),
      [],
    );
  });
  it('deletes the ignored instruction', () => {
    const text = 'FROM alpine\nCMD ["a"]\nCMD ["b"]\n';
    const [finding] = findings(text, 'MultipleInstructionsDisallowed');
    assert.equal(applyEdits(text, finding.fixes[0].edits), 'FROM alpine\nCMD ["b"]\n');
  });
});
