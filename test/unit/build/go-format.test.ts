import * as assert from 'node:assert/strict';
import { goDuration, goList, goQuoteList, goQuoteRune, goSetMap } from '../../../engine/src/build/go-format';

describe('go-format', () => {
  it('renders durations as time.Duration.String()', () => {
    assert.equal(goDuration(0), '0s');
    assert.equal(goDuration(5e9), '5s');
    assert.equal(goDuration(90e9), '1m30s');
    assert.equal(goDuration(3600e9), '1h0m0s');
    assert.equal(goDuration(1.5e9), '1.5s');
    assert.equal(goDuration(500e6), '500ms');
    assert.equal(goDuration(1500), '1.5µs');
    assert.equal(goDuration(42), '42ns');
  });

  it('quotes runes and lists as %q does', () => {
    assert.equal(goQuoteRune(0), "'\\x00'");
    assert.equal(goQuoteRune(3), "'\\x03'");
    assert.equal(goQuoteRune(10), "'\\n'");
    assert.equal(goQuoteRune(65), "'A'");
    assert.equal(goQuoteList(['/bin/sh', '-c', 'echo "hi"']), '["/bin/sh" "-c" "echo \\"hi\\""]');
  });

  it('prints slices and sets as %v does', () => {
    assert.equal(goList(['/data', '/logs']), '[/data /logs]');
    assert.equal(goSetMap(['80/tcp', '53/udp']), 'map[53/udp:{} 80/tcp:{}]');
  });
});
