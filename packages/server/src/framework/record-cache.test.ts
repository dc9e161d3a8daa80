import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deepFreeze, isDeeplyFrozen, RecordCache } from './record-cache.js';

describe('RecordCache', () => {
  it('fills a miss, and caches an absence as null', () => {
    const cache = new RecordCache<string | null>(4);
    assert.equal(cache.get('a'), undefined);
    cache.fill('a', '{"v":1}', cache.stamp('a'));
    cache.fill('b', null, cache.stamp('b'));
    assert.equal(cache.get('a'), '{"v":1}');
    assert.equal(cache.get('b'), null);
  });

  it('drops a fill that raced a write: the reader may hold the value from before it', () => {
    const cache = new RecordCache<string | null>(4);
    const stamp = cache.stamp('a');
    cache.invalidate('a');
    cache.fill('a', 'old', stamp);
    assert.equal(cache.get('a'), undefined);
    cache.endWrite('a', 'new');
    cache.fill('a', 'old', stamp);
    assert.equal(cache.get('a'), 'new');
  });

  it('holds nothing for a key while its write is in flight or after it failed', () => {
    const cache = new RecordCache<string | null>(4);
    cache.endWrite('a', 'v1');
    cache.invalidate('a'); // the write then fails: no endWrite
    assert.equal(cache.get('a'), undefined);
  });

  it('drops a fill when the key was evicted meanwhile, and stays within capacity', () => {
    const cache = new RecordCache<string | null>(2);
    cache.endWrite('a', 'a');
    const stamp = cache.stamp('a');
    cache.endWrite('b', 'b');
    cache.endWrite('c', 'c'); // evicts a
    assert.equal(cache.get('a'), undefined);
    cache.fill('a', 'stale', stamp);
    assert.equal(cache.get('a'), undefined);
    assert.equal(cache.get('c'), 'c');
  });

  it('clear() forgets everything and voids stamps taken before it', () => {
    const cache = new RecordCache<string | null>(4);
    const stamp = cache.stamp('a');
    cache.endWrite('b', 'b');
    cache.clear();
    assert.equal(cache.get('b'), undefined);
    cache.fill('a', 'x', stamp);
    assert.equal(cache.get('a'), undefined);
  });
});

describe('RecordCache.invalidating', () => {
  it('leaves the entry invalid after the write, whether it succeeded or failed', async () => {
    const cache = new RecordCache<string | null>(4);
    cache.fill('a', 'old', cache.stamp('a'));
    const during = await cache.invalidating('a', async () => cache.stamp('a'));
    cache.fill('a', 'read during the write', during);
    assert.equal(cache.get('a'), undefined);
    cache.fill('a', 'old', cache.stamp('a'));
    await assert.rejects(cache.invalidating('a', () => Promise.reject(new Error('disk full'))));
    assert.equal(cache.get('a'), undefined);
  });
});

describe('deepFreeze', () => {
  it('freezes nested objects and arrays, and leaves byte arrays alone', () => {
    const bytes = new Uint8Array([1, 2]);
    const value = deepFreeze({ list: ['x'], nested: { n: 1 }, bytes });
    assert.ok(Object.isFrozen(value) && Object.isFrozen(value.list) && Object.isFrozen(value.nested));
    assert.throws(() => (value.list as string[]).push('y'));
    assert.equal(Object.isFrozen(bytes), false);
  });

  it('marks as deeply frozen only what nothing inside can change (the audit memo relies on it)', () => {
    const plain = deepFreeze({ list: ['x', { y: 1 }], nested: { n: 1 } });
    assert.ok(isDeeplyFrozen(plain) && isDeeplyFrozen(plain.list) && isDeeplyFrozen(plain.nested));

    const withBytes = deepFreeze({ bytes: new Uint8Array([1]), other: { n: 1 } });
    assert.equal(isDeeplyFrozen(withBytes), false, 'a byte array inside can still change');
    assert.equal(isDeeplyFrozen(withBytes.other), true);

    // Object.freeze alone is shallow: its child stays mutable, so it is not deeply frozen...
    const child = { n: 1 };
    const shallow = Object.freeze({ child });
    assert.equal(isDeeplyFrozen(shallow), false);
    // ...until deepFreeze has gone through it and frozen the child too.
    deepFreeze({ shallow });
    assert.ok(Object.isFrozen(child) && isDeeplyFrozen(shallow));
  });
});
