import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goFormatFloat, goParseBool, goParseFloat, goParseInt, goRfc3339 } from './go-text.js';

describe('go text conversions', () => {
  it('formats floats like strconv.FormatFloat(f, \'f\', -1, 64)', () => {
    for (const [n, text] of [
      [25.4, '25.4'],
      [1234568000, '1234568000'],
      [1e21, '1000000000000000000000'],
      [1.5e-7, '0.00000015'],
      [-2.5e22, '-25000000000000000000000'],
      [0.1 + 0.2, '0.30000000000000004'],
      [-0, '-0'],
      [Infinity, '+Inf'],
      [NaN, 'NaN'],
    ] as const) {
      assert.equal(goFormatFloat(n), text);
    }
  });
  it('parses as strconv does, rejecting what Go rejects', () => {
    assert.equal(goParseFloat('25.4'), 25.4);
    assert.equal(goParseFloat('1e3'), 1000);
    assert.equal(goParseFloat('-Inf'), -Infinity);
    assert.equal(goParseFloat('1e400'), undefined);
    assert.equal(goParseFloat('abc'), undefined);
    assert.equal(goParseInt('+42'), 42n);
    assert.equal(goParseInt('9223372036854775808'), undefined);
    assert.equal(goParseInt('4.2'), undefined);
    assert.equal(goParseBool('True'), true);
    assert.equal(goParseBool('F'), false);
    assert.equal(goParseBool('yes'), undefined);
  });
  it('re-formats lastmodified as Go\'s RFC 3339', () => {
    assert.equal(goRfc3339('2022-03-15T22:11:15Z'), '2022-03-15T22:11:15Z');
    assert.equal(goRfc3339('2022-03-15T22:11:15.123456Z'), '2022-03-15T22:11:15Z');
    assert.equal(goRfc3339('2022-03-15T23:11:15+01:00'), '2022-03-15T23:11:15+01:00');
    assert.equal(goRfc3339('2022-03-15T22:11:15+00:00'), '2022-03-15T22:11:15Z');
    assert.equal(goRfc3339('yesterday'), undefined);
  });
});
