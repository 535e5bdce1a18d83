import * as assert from 'node:assert/strict';
import { fixed, messages } from '../../../server/helpers';

describe('rules/ConsistentInstructionCasing', () => {
  it('reports instructions that differ from the majority', () => {
    assert.deepEqual(messages('FROM alpine\nrun echo\nRUN echo\n', 'ConsistentInstructionCasing'), [
      "Command 'run' should match the case of the command majority (uppercase)",
    ]);
    assert.deepEqual(messages('from alpine\nrun echo\nRUN echo\n', 'ConsistentInstructionCasing'), [
      "Command 'RUN' should match the case of the command majority (lowercase)",
    ]);
  });
  it('reports mixed-case keywords', () => {
    assert.deepEqual(messages('FROM alpine\nRun echo\n', 'ConsistentInstructionCasing'), [
      "Command 'Run' should match the case of the command majority (uppercase)",
    ]);
  });
  it('fixes the keyword', () => {
    assert.equal(
      fixed('FROM alpine\nrun echo\nRUN x\n', 'ConsistentInstructionCasing'),
      'FROM alpine\nRUN echo\nRUN x\n',
    );
  });
});
