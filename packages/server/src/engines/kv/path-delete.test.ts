import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mountKv, rejectsVault, type KvHarness } from './test-harness.js';

async function withVersions(n: number): Promise<KvHarness> {
  const kv = await mountKv();
  for (let i = 1; i <= n; i++) await kv.send('update', 'data/app/key', { data: { i } });
  return kv;
}

describe('kv v2 delete/ undelete/ destroy/', () => {
  it('soft-deletes listed versions; reads answer 404 with the envelope', async () => {
    const kv = await withVersions(3);
    const res = await kv.call('update', 'delete/app/key', { versions: [1, 3] });
    assert.equal(res.response, undefined);
    assert.deepEqual(res.authz, { action: 'delete', resource: 'secret/app/key' });
    for (const version of [1, 3]) {
      const read = await kv.send('read', 'data/app/key', { version });
      assert.equal(read?.status, 404);
      assert.equal(read?.data?.['data'], null);
      const metadata = read?.data?.['metadata'];
      assert.ok(metadata !== null && typeof metadata === 'object');
      assert.equal(Reflect.get(metadata, 'deletion_time'), '2026-01-01T12:00:00.000Z');
      assert.equal(Reflect.get(metadata, 'destroyed'), false);
    }
    assert.deepEqual((await kv.send('read', 'data/app/key', { version: 2 }))?.data?.['data'], { i: 2 });
  });

  it('undeletes soft-deleted versions', async () => {
    const kv = await withVersions(2);
    await kv.send('update', 'delete/app/key', { versions: '1,2' });
    const res = await kv.call('update', 'undelete/app/key', { versions: [1, 2, 99] });
    assert.deepEqual(res.authz, { action: 'update', resource: 'secret/app/key' });
    assert.deepEqual((await kv.send('read', 'data/app/key'))?.data?.['data'], { i: 2 });
    const meta = await kv.send('read', 'metadata/app/key');
    assert.deepEqual(meta?.data?.['versions'], {
      '1': { created_time: '2026-01-01T12:00:00.000Z', deletion_time: '', destroyed: false },
      '2': { created_time: '2026-01-01T12:00:00.000Z', deletion_time: '', destroyed: false },
    });
  });

  it('destroys version data for good; undelete cannot bring it back', async () => {
    const kv = await withVersions(2);
    const res = await kv.call('update', 'destroy/app/key', { versions: [1] });
    assert.deepEqual(res.authz, { action: 'delete', resource: 'secret/app/key' });
    const read = await kv.send('read', 'data/app/key', { version: 1 });
    assert.equal(read?.status, 404);
    assert.deepEqual(read?.data, {
      data: null,
      metadata: {
        created_time: '2026-01-01T12:00:00.000Z',
        custom_metadata: null,
        deletion_time: '',
        destroyed: true,
        version: 1,
      },
    });
    const versionKeys = [...kv.store.entries.keys()].filter((k) => k.includes('/versions/'));
    assert.equal(versionKeys.length, 1);
    await kv.send('update', 'undelete/app/key', { versions: [1] });
    assert.equal((await kv.send('read', 'data/app/key', { version: 1 }))?.status, 404);
  });

  it('answers 204 for a secret that does not exist', async () => {
    const kv = await mountKv();
    assert.equal(await kv.send('update', 'delete/none', { versions: [1] }), undefined);
    assert.equal(await kv.send('update', 'destroy/none', { versions: [1] }), undefined);
    assert.equal(await kv.send('update', 'undelete/none', { versions: [1] }), undefined);
  });

  it('rejects a missing, empty or invalid versions list with 400', async () => {
    const kv = await withVersions(1);
    for (const segment of ['delete', 'undelete', 'destroy']) {
      await rejectsVault(kv.send('update', `${segment}/app/key`, {}), 400, 'no version number provided');
      await rejectsVault(kv.send('update', `${segment}/app/key`, { versions: [] }), 400, 'no version number provided');
      await rejectsVault(kv.send('update', `${segment}/app/key`, { versions: ['x'] }), 400, /`versions`/);
      await rejectsVault(kv.send('update', `${segment}/app/key`, { versions: [-1] }), 400, /`versions`/);
    }
  });

  it('undelete reschedules deletion when delete_version_after applies', async () => {
    const kv = await mountKv();
    await kv.send('update', 'data/t', { data: { a: 1 } });
    await kv.send('update', 'delete/t', { versions: [1] });
    await kv.send('update', 'config', { delete_version_after: '30m' });
    kv.clock.advance(60);
    await kv.send('update', 'undelete/t', { versions: [1] });
    const read = await kv.send('read', 'data/t');
    const metadata = read?.data?.['metadata'];
    assert.ok(metadata !== null && typeof metadata === 'object');
    assert.equal(Reflect.get(metadata, 'deletion_time'), '2026-01-01T12:31:00.000Z');
  });
});
