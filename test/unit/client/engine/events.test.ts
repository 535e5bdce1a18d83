import * as assert from 'node:assert/strict';

import { viewsAffectedBy } from '../../../../client/src/engine/events';
import { JsonLineSplitter } from '../../../../client/src/engine/jsonLines';

describe('client/engine/events', () => {
  it('refreshes only the views an event can change', () => {
    assert.deepEqual(viewsAffectedBy({ Type: 'container', Action: 'start' }), ['containers']);
    assert.deepEqual(viewsAffectedBy({ Type: 'container', Action: 'destroy' }), ['containers', 'volumes']);
    assert.deepEqual(viewsAffectedBy({ Type: 'container', Action: 'exec_start: sh' }), []);
    assert.deepEqual(viewsAffectedBy({ Type: 'container', Action: 'resize' }), []);
    assert.deepEqual(viewsAffectedBy({ Type: 'container', Action: 'health_status: healthy' }), [
      'containers',
    ]);
    assert.deepEqual(viewsAffectedBy({ Type: 'image', Action: 'tag' }), ['images']);
    assert.deepEqual(viewsAffectedBy({ Type: 'volume', Action: 'create' }), ['volumes']);
    assert.deepEqual(viewsAffectedBy({ Type: 'network', Action: 'connect' }), []);
    assert.deepEqual(viewsAffectedBy({ Type: 'network', Action: 'destroy' }), ['networks']);
    assert.deepEqual(viewsAffectedBy({ Type: 'plugin', Action: 'enable' }), []);
  });

  it('reads old engines’ events that only have `status` as container events', () => {
    assert.deepEqual(viewsAffectedBy({ status: 'die', id: 'abc' }), ['containers']);
  });
});

describe('client/engine/jsonLines', () => {
  it('splits messages across chunk boundaries and skips lines that are not JSON', () => {
    const splitter = new JsonLineSplitter<{ n: number }>();
    assert.deepEqual(splitter.push('{"n":1}\n{"n"'), [{ n: 1 }]);
    assert.deepEqual(splitter.push(':2}\r\nnot json\n\n{"n":3}'), [{ n: 2 }]);
    assert.deepEqual(splitter.push('\n'), [{ n: 3 }]);
  });
});
