import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecordCache } from './record-cache.js';

describe('database record cache', () => {
  it('serves a filled record frozen, and reloads after a write', () => {
    const cache = new RecordCache<{ v: number; list: string[] }>(8);
    assert.equal(cache.get('a'), undefined);
    const value = cache.fill('a', { v: 1, list: ['x'] }, cache.stamp('a'));
    assert.deepEqual(cache.get('a'), { v: 1, list: ['x'] });
    assert.ok(Object.isFrozen(value) && Object.isFrozen(value!.list));
    cache.invalidate('a');
    assert.equal(cache.get('a'), undefined);
    cache.fill('a', null, cache.stamp('a'));
    assert.equal(cache.get('a'), null, 'an absence is cached too');
  });

  it('drops a fill read before a write began or ended', () => {
    const cache = new RecordCache<{ v: number }>(8);
    const early = cache.stamp('a');
    cache.invalidate('a'); // write begins
    const during = cache.stamp('a');
    cache.invalidate('a'); // write ends
    cache.fill('a', { v: 1 }, early);
    assert.equal(cache.get('a'), undefined);
    cache.fill('a', { v: 1 }, during);
    assert.equal(cache.get('a'), undefined, 'read while the write was in flight');
    cache.fill('a', { v: 2 }, cache.stamp('a'));
    assert.deepEqual(cache.get('a'), { v: 2 });
  });

  it('is bounded, and an eviction or clear moves the stamp of absent keys', () => {
    const cache = new RecordCache<{ v: number }>(2);
    const stale = cache.stamp('c');
    cache.fill('a', { v: 1 }, cache.stamp('a'));
    cache.fill('b', { v: 2 }, cache.stamp('b'));
    cache.invalidate('c'); // evicts a
    assert.equal(cache.get('a'), undefined);
    const cleared = cache.stamp('z');
    cache.clear();
    cache.fill('z', { v: 3 }, cleared);
    cache.fill('c', { v: 3 }, stale);
    assert.equal(cache.get('z'), undefined);
    assert.equal(cache.get('c'), undefined);
  });
});
