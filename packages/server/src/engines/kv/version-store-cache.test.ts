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
});
