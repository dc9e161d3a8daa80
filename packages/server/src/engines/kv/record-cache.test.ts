import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecordCache } from './record-cache.js';
import { mountKv, rejectsVault } from './test-harness.js';

describe('RecordCache', () => {
  it('fills a miss, and caches an absence as null', () => {
    const cache = new RecordCache(4);
    assert.equal(cache.get('a'), undefined);
    cache.fill('a', '{"v":1}', cache.stamp('a'));
    cache.fill('b', null, cache.stamp('b'));
    assert.equal(cache.get('a'), '{"v":1}');
    assert.equal(cache.get('b'), null);
  });

  it('drops a fill that raced a write: the reader may hold the value from before it', () => {
    const cache = new RecordCache(4);
    const stamp = cache.stamp('a');
    cache.beginWrite('a');
    cache.fill('a', 'old', stamp);
    assert.equal(cache.get('a'), undefined);
    cache.endWrite('a', 'new');
    cache.fill('a', 'old', stamp);
    assert.equal(cache.get('a'), 'new');
  });

  it('holds nothing for a key while its write is in flight or after it failed', () => {
    const cache = new RecordCache(4);
    cache.endWrite('a', 'v1');
    cache.beginWrite('a'); // the write then fails: no endWrite
    assert.equal(cache.get('a'), undefined);
  });

  it('drops a fill when the key was evicted meanwhile, and stays within capacity', () => {
    const cache = new RecordCache(2);
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
    const cache = new RecordCache(4);
    const stamp = cache.stamp('a');
    cache.endWrite('b', 'b');
    cache.clear();
    assert.equal(cache.get('b'), undefined);
    cache.fill('a', 'x', stamp);
    assert.equal(cache.get('a'), undefined);
  });
});

describe('KV v2 record caching', () => {
  it('reads racing writes of one secret never see a version older than an acknowledged write', async () => {
    const kv = await mountKv();
    await kv.call('update', 'data/race', { data: { n: 0 } });
    let acknowledged = 1;
    const writer = (async () => {
      for (let i = 1; i <= 30; i++) {
        await kv.call('update', 'data/race', { data: { n: i } });
        acknowledged = i + 1;
      }
    })();
    const readers = Array.from({ length: 4 }, async () => {
      for (let i = 0; i < 40; i++) {
        const floor = acknowledged;
        const res = await kv.send('read', 'data/race');
        const version = (res?.data as { metadata: { version: number } }).metadata.version;
        assert.ok(version >= floor, `read version ${version} after version ${floor} was acknowledged`);
      }
    });
    await Promise.all([writer, ...readers]);
    const meta = await kv.send('read', 'metadata/race');
    assert.equal(meta?.data?.['current_version'], 31);
  });

  it('drops cached metadata when the engine closes (seal, unmount)', async () => {
    const kv = await mountKv();
    await kv.call('update', 'data/c', { data: { a: 1 } });
    assert.deepEqual((await kv.send('read', 'data/c'))?.data?.['data'], { a: 1 });
    // Remove the metadata underneath the engine: while it runs, it answers from memory...
    for (const key of [...kv.store.entries.keys()]) if (key.endsWith('/meta/c')) kv.store.entries.delete(key);
    assert.equal((await kv.send('read', 'metadata/c'))?.data?.['current_version'], 1);
    // ...and once closed, nothing of it is left.
    await kv.engine.close?.();
    await rejectsVault(kv.send('read', 'metadata/c'), 404);
  });
});
