import * as assert from 'node:assert/strict';
import { fixed, messages } from '../../../server/helpers';

describe('rules/FromAsCasing', () => {
  it("reports 'as' that does not match FROM's casing", () => {
    assert.deepEqual(messages('FROM alpine as build\n', 'FromAsCasing'), [
      "'as' and 'FROM' keywords' casing do not match",
    ]);
    assert.deepEqual(messages('from alpine AS build\n', 'FromAsCasing'), [
      "'AS' and 'from' keywords' casing do not match",
    ]);
  });
  it('leaves matching and mixed-case FROM alone', () => {
    assert.deepEqual(
      messages('FROM alpine AS build\nfrom alpine as b2\nFrom alpine as b3\n', 'FromAsCasing'),
      [],
    );
  });
  it('fixes the casing', () => {
    assert.equal(fixed('FROM alpine as build\n', 'FromAsCasing'), 'FROM alpine AS build\n');
  });
});
