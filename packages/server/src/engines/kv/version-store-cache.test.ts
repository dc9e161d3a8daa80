import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mountKv, rejectsVault } from './test-harness.js';

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

  it('never serves cached data of a version that was destroyed, pruned or deleted with its secret', async () => {
    const kv = await mountKv();
    const read = async (path: string, version?: number) =>
      (await kv.send('read', `data/${path}`, version === undefined ? {} : { version }))?.data?.['data'];

    await kv.call('update', 'data/d', { data: { v: 'one' } });
    assert.deepEqual(await read('d'), { v: 'one' }); // now cached
    await kv.call('update', 'destroy/d', { versions: [1] });
    const destroyed = await kv.send('read', 'data/d');
    assert.equal(destroyed?.status, 404); // Vault's 404 with the envelope (spec §0 trap 8)
    assert.equal((destroyed?.data as Record<string, unknown>)['data'], null);

    await kv.call('update', 'metadata/p', { max_versions: 1 });
    await kv.call('update', 'data/p', { data: { v: 1 } });
    assert.deepEqual(await read('p', 1), { v: 1 });
    await kv.call('update', 'data/p', { data: { v: 2 } }); // prunes version 1
    await rejectsVault(kv.send('read', 'data/p', { version: 1 }), 404);
    assert.deepEqual(await read('p'), { v: 2 });

    // Deleting the secret and writing it again reuses version 1: the old data must not come back.
    await kv.call('update', 'data/r', { data: { v: 'old' } });
    assert.deepEqual(await read('r'), { v: 'old' });
    await kv.call('delete', 'metadata/r');
    await kv.call('update', 'data/r', { data: { v: 'new' } });
    assert.deepEqual(await read('r'), { v: 'new' });
  });

  it('shares read data frozen, and patch still writes a merged copy', async () => {
    const kv = await mountKv();
    await kv.call('update', 'data/f', { data: { a: 1, nested: { b: 2 } } });
    const first = (await kv.send('read', 'data/f'))?.data?.['data'] as Record<string, unknown>;
    assert.ok(Object.isFrozen(first) && Object.isFrozen(first['nested']), 'a shared version must be frozen');
    await kv.call('patch', 'data/f', { data: { nested: { c: 3 } } });
    assert.deepEqual((await kv.send('read', 'data/f'))?.data?.['data'], { a: 1, nested: { b: 2, c: 3 } });
    assert.deepEqual((await kv.send('read', 'data/f', { version: 1 }))?.data?.['data'], { a: 1, nested: { b: 2 } });
  });

  it('drops cached version data when the engine closes', async () => {
    const kv = await mountKv();
    await kv.call('update', 'data/g', { data: { a: 1 } });
    assert.deepEqual((await kv.send('read', 'data/g'))?.data?.['data'], { a: 1 });
    for (const key of [...kv.store.entries.keys()]) if (key.includes('/versions/')) kv.store.entries.delete(key);
    assert.deepEqual((await kv.send('read', 'data/g'))?.data?.['data'], { a: 1 });
    await kv.engine.close?.();
    await assert.rejects(kv.send('read', 'data/g'));
  });
});
