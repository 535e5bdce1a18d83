import * as assert from 'node:assert/strict';
import { messages } from '../../../server/helpers';

describe('rules/EnvReferencesSameInstruction', () => {
  it('reports a reference to a variable defined earlier in the same ENV', () => {
    assert.equal(messages('FROM debian\nENV A=1 B=$A/x\n', 'EnvReferencesSameInstruction').length, 1);
    assert.deepEqual(
      messages('FROM debian\nENV A=1\nENV B=$A\nENV PATH=$PATH:/x\n', 'EnvReferencesSameInstruction'),
      [],
    );
  });
});
