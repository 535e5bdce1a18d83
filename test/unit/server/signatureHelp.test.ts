import * as assert from 'node:assert/strict';
import { computeSignatureHelp } from '../../../server/src/signatureHelp';
import { cursor, documentOf } from './helpers';

function help(marked: string) {
  const { text, position } = cursor(marked);
  return computeSignatureHelp(documentOf(text), position);
}

describe('server/signatureHelp', () => {
  it('shows the form of the instruction and the parameter being typed', () => {
    const result = help('FROM alpine AS |')!;
    const params = result.signatures[0].parameters!.map((p) => p.label);
    assert.equal(
      result.signatures[0].label,
      'FROM [--platform=<platform>] <image>[:<tag>|@<digest>] [AS <name>]',
    );
    assert.equal(params[result.activeParameter!], '[AS <name>]');
    assert.equal(params[help('FROM |')!.activeParameter!], '<image>[:<tag>|@<digest>]');
    assert.equal(help('FROM --plat|')!.activeParameter, 0);
  });

  it('says nothing on the keyword or in heredoc bodies', () => {
    assert.equal(help('FR|OM alpine'), null);
    assert.equal(help('FROM alpine\nRUN <<EOF\nec|ho\nEOF\n'), null);
  });
});
