import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mountKv, rejectsVault } from './test-harness.js';

describe('kv v2 metadata/', () => {
  it('reads metadata of a written secret', async () => {
    const kv = await mountKv();
    await kv.send('update', 'data/a/b', { data: { x: 1 } });
    kv.clock.advance(5);
    await kv.send('update', 'data/a/b', { data: { x: 2 } });
    const res = await kv.call('read', 'metadata/a/b');
    assert.deepEqual(res.authz, { action: 'read', resource: 'secret/a/b' });
    assert.deepEqual(res.response?.data, {
      cas_required: false,
      created_time: '2026-01-01T12:00:00.000Z',
      current_version: 2,
      custom_metadata: null,
      delete_version_after: '0s',
      max_versions: 0,
      oldest_version: 0,
      updated_time: '2026-01-01T12:00:05.000Z',
      versions: {
        '1': { created_time: '2026-01-01T12:00:00.000Z', deletion_time: '', destroyed: false },
        '2': { created_time: '2026-01-01T12:00:05.000Z', deletion_time: '', destroyed: false },
      },
    });
    await rejectsVault(kv.send('read', 'metadata/none'), 404, '');
  });

  it('creates metadata without a version, then updates it', async () => {
    const kv = await mountKv();
    const created = await kv.call('update', 'metadata/m', {
      max_versions: 5,
      cas_required: true,
      delete_version_after: '3h25m19s',
      custom_metadata: { owner: 'jdoe', critical: false },
    });
    assert.equal(created.response, undefined);
    assert.deepEqual(created.authz, { action: 'update', resource: 'secret/m' });
    let meta = await kv.send('read', 'metadata/m');
    assert.equal(meta?.data?.['current_version'], 0);
    assert.equal(meta?.data?.['max_versions'], 5);
    assert.equal(meta?.data?.['cas_required'], true);
    assert.equal(meta?.data?.['delete_version_after'], '3h25m19s');
    assert.deepEqual(meta?.data?.['custom_metadata'], { owner: 'jdoe', critical: 'false' });
    assert.deepEqual(meta?.data?.['versions'], {});

    // A write replaces custom_metadata and leaves unset fields alone.
    await kv.send('update', 'metadata/m', { custom_metadata: { team: 'core' } });
    meta = await kv.send('read', 'metadata/m');
    assert.deepEqual(meta?.data?.['custom_metadata'], { team: 'core' });
    assert.equal(meta?.data?.['max_versions'], 5);

    // Data reads carry custom_metadata.
    await kv.send('update', 'data/m', { data: { a: 1 }, options: { cas: 0 } });
    const read = await kv.send('read', 'data/m');
    const metadata = read?.data?.['metadata'];
    assert.ok(metadata !== null && typeof metadata === 'object');
    assert.deepEqual(Reflect.get(metadata, 'custom_metadata'), { team: 'core' });
  });

  it('a write with no fields creates nothing', async () => {
    const kv = await mountKv();
    assert.equal(await kv.send('update', 'metadata/empty', {}), undefined);
    await rejectsVault(kv.send('read', 'metadata/empty'), 404, '');
  });

  it('warns when cas_required=false is overridden by the mount', async () => {
    const kv = await mountKv();
    await kv.send('update', 'config', { cas_required: true });
    const res = await kv.send('update', 'metadata/w', { cas_required: false });
    assert.equal(res?.warnings?.length, 1);
  });

  it('patches metadata: merges custom_metadata, null removes a key', async () => {
    const kv = await mountKv();
    await rejectsVault(kv.send('patch', 'metadata/p', { max_versions: 2 }), 404, '');
    await kv.send('update', 'metadata/p', { max_versions: 4, custom_metadata: { a: '1', b: '2' } });
    const res = await kv.call('patch', 'metadata/p', { custom_metadata: { a: null, c: '3' }, cas_required: true });
    assert.deepEqual(res.authz, { action: 'update', resource: 'secret/p' });
    const meta = await kv.send('read', 'metadata/p');
    assert.deepEqual(meta?.data?.['custom_metadata'], { b: '2', c: '3' });
    assert.equal(meta?.data?.['max_versions'], 4);
    assert.equal(meta?.data?.['cas_required'], true);
    await kv.send('patch', 'metadata/p', { custom_metadata: null });
    assert.equal((await kv.send('read', 'metadata/p'))?.data?.['custom_metadata'], null);
  });

  it('validates custom_metadata', async () => {
    const kv = await mountKv();
    const many = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v']));
    await rejectsVault(kv.send('update', 'metadata/v', { custom_metadata: many }), 400, /at most 64 keys/);
    await rejectsVault(kv.send('update', 'metadata/v', { custom_metadata: { ['k'.repeat(129)]: 'v' } }), 400, /len\(key\)/);
    await rejectsVault(kv.send('update', 'metadata/v', { custom_metadata: { k: 'v'.repeat(513) } }), 400, /len\(value\)/);
    await rejectsVault(kv.send('update', 'metadata/v', { custom_metadata: { k: '' } }), 400, /len\(value\)/);
    await rejectsVault(kv.send('update', 'metadata/v', { custom_metadata: { k: 'a\u0000b' } }), 400, /unprintable/);
    await rejectsVault(kv.send('update', 'metadata/v', { custom_metadata: { k: { nested: 1 } } }), 400, /must be a string/);
    await rejectsVault(kv.send('update', 'metadata/v', { custom_metadata: 'x' }), 400, /`custom_metadata`/);
    await rejectsVault(kv.send('update', 'metadata/v', { max_versions: -1 }), 400, /max_versions/);
    await rejectsVault(kv.send('update', 'metadata/v', { delete_version_after: 'soon' }), 400, /delete_version_after/);
  });

  it('DELETE removes the metadata and every version', async () => {
    const kv = await mountKv();
    await kv.send('update', 'data/gone', { data: { a: 1 } });
    await kv.send('update', 'data/gone', { data: { a: 2 } });
    await kv.send('update', 'data/gone-not', { data: { a: 3 } });
    const res = await kv.call('delete', 'metadata/gone');
    assert.equal(res.response, undefined);
    assert.deepEqual(res.authz, { action: 'delete', resource: 'secret/gone' });
    await rejectsVault(kv.send('read', 'data/gone'), 404, '');
    await rejectsVault(kv.send('read', 'metadata/gone'), 404, '');
    // Only the other secret's metadata and version remain.
    assert.equal(kv.store.entries.size, 2);
    assert.deepEqual((await kv.send('read', 'data/gone-not'))?.data?.['data'], { a: 3 });
    assert.equal(await kv.send('delete', 'metadata/never'), undefined);
  });

  describe('LIST', () => {
    it('lists one level, folders with a trailing slash', async () => {
      const kv = await mountKv();
      for (const path of ['foo', 'foo/bar', 'foo/baz/qux', 'zed']) await kv.send('update', `data/${path}`, { data: { a: 1 } });
      const root = await kv.call('list', 'metadata');
      assert.deepEqual(root.authz, { action: 'list', resource: 'secret' });
      assert.deepEqual(root.response?.data, { keys: ['foo', 'foo/', 'zed'] });
      const folder = await kv.call('list', 'metadata/foo/');
      assert.deepEqual(folder.authz, { action: 'list', resource: 'secret/foo' });
      assert.deepEqual(folder.response?.data, { keys: ['bar', 'baz/'] });
      assert.deepEqual((await kv.send('list', 'metadata/foo'))?.data, { keys: ['bar', 'baz/'] });
      assert.deepEqual((await kv.send('list', 'metadata', { after: 'foo/', limit: 1 }))?.data, { keys: ['zed'] });
    });

    it('an empty list is a plain 404', async () => {
      const kv = await mountKv();
      await rejectsVault(kv.send('list', 'metadata'), 404, '');
      await kv.send('update', 'data/a', { data: { a: 1 } });
      await rejectsVault(kv.send('list', 'metadata/nothing/'), 404, '');
    });

    it('still lists a secret whose versions are all deleted', async () => {
      const kv = await mountKv();
      await kv.send('update', 'data/soft', { data: { a: 1 } });
      await kv.send('delete', 'data/soft');
      assert.deepEqual((await kv.send('list', 'metadata'))?.data, { keys: ['soft'] });
    });
  });
});
