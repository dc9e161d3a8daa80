import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValueCache } from './value-cache.js';

const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);

describe('ValueCache', () => {
  it('tells a cached value, a cached absence and an unknown key apart', () => {
    const cache = new ValueCache(1 << 20);
    cache.set('a', bytes(3));
    cache.set('gone', null);
    assert.deepEqual(cache.get('a'), bytes(3));
    assert.equal(cache.get('gone'), null);
    assert.equal(cache.get('never'), undefined);
    cache.delete('a');
    assert.equal(cache.get('a'), undefined);
  });

  it('stays within its byte budget, evicting the least recently used first', () => {
    const cache = new ValueCache(16 * 1024);
    cache.set('a', bytes(900));
    cache.set('b', bytes(900));
    for (let i = 0; i < 20; i++) {
      cache.get('a'); // a stays in use, b does not
      cache.set(`k${i}`, bytes(900));
    }
    assert.ok(cache.get('a') !== undefined);
    assert.equal(cache.get('b'), undefined);
  });

  it('does not let one large value push out everything else', () => {
    const cache = new ValueCache(16 * 1024);
    cache.set('small', bytes(10));
    cache.set('huge', bytes(8 * 1024));
    assert.equal(cache.get('huge'), undefined);
    assert.ok(cache.get('small') !== undefined);
  });
});
