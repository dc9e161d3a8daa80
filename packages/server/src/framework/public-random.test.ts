import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fillPublicRandom, publicRandom } from './public-random.js';

describe('public random pool', () => {
  it('nonces never repeat across many pool refills', () => {
    const seen = new Set<string>();
    // 12-byte nonces from a 4 KiB pool: 20 000 of them span about 60 refills.
    for (let i = 0; i < 20_000; i++) seen.add(publicRandom(12).toString('hex'));
    assert.equal(seen.size, 20_000);
  });

  it('fillPublicRandom writes exactly the requested window and nothing around it', () => {
    const out = new Uint8Array(40).fill(0xaa);
    fillPublicRandom(out, 5, 12);
    assert.deepEqual([...out.subarray(0, 5)], [0xaa, 0xaa, 0xaa, 0xaa, 0xaa]);
    assert.deepEqual([...out.subarray(17)], new Array(23).fill(0xaa));
    // 12 random bytes all equal to 0xaa would be a 2^-96 event: the window was written.
    assert.notDeepEqual([...out.subarray(5, 17)], new Array(12).fill(0xaa));
  });

  it('requests larger than the pool come straight from the CSPRNG', () => {
    const a = publicRandom(5000);
    const b = publicRandom(5000);
    assert.equal(a.length, 5000);
    assert.notDeepEqual(a, b);
  });
});
