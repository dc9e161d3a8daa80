import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomSerial } from './serials.js';

describe('randomSerial', () => {
  it('draws non-zero 64-bit serials, written as Vault does: lowercase hex without leading zeros', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const { value, hex } = randomSerial();
      assert.ok(value > 0n && value < 1n << 64n);
      assert.match(hex, /^[1-9a-f][0-9a-f]{0,15}$/);
      assert.equal(BigInt(`0x${hex}`), value);
      seen.add(hex);
    }
    assert.equal(seen.size, 5000);
  });
});
