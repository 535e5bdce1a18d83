import * as assert from 'node:assert/strict';
import { computeFormatting } from '../../../server/src/formatting';
import { applyEdits, documentOf } from './helpers';

function format(text: string): string {
  return applyEdits(text, computeFormatting(documentOf(text)));
}

describe('server/formatting', () => {
  it('puts keywords in the majority case at the line start with one space, trims, collapses blank lines', () => {
    assert.equal(
      format('FROM alpine   \n  run    echo hi  \n\n\n\nCMD ["x"]'),
      'FROM alpine\nRUN echo hi\n\nCMD ["x"]\n',
    );
    assert.equal(format('from alpine\nrun a\nRUN b\n'), 'from alpine\nrun a\nrun b\n');
  });

  it('keeps continuation-line indentation as written', () => {
    const text = 'FROM alpine\nRUN apt-get update \\\n        && apt-get install -y \\\n            curl\n';
    assert.equal(format(text), text);
  });

  it('leaves heredoc bodies byte for byte', () => {
    const text = 'FROM alpine\nRUN <<EOF\n  indented   \n\n\n\tx\nEOF\n';
    assert.equal(format(text), text);
  });

  it('is idempotent on the whole shared corpus shape', () => {
    const text = 'FROM alpine\n\n\nRUN  a\n';
    assert.equal(format(format(text)), format(text));
  });
});
