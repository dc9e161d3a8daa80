import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mountKv, rejectsVault } from './test-harness.js';

const write = (data: Record<string, unknown>, options?: Record<string, unknown>) =>
  options === undefined ? { data } : { data, options };

describe('kv v2 data/', () => {
  it('writes versions and reads the latest or a named one', async () => {
    const kv = await mountKv();
    const first = await kv.call('update', 'data/app/db', write({ password: 'one' }));
    assert.equal(first.operation, 'create');
    assert.deepEqual(first.authz, { action: 'create', resource: 'secret/app/db' });
    assert.deepEqual(first.response?.data, {
      created_time: '2026-01-01T12:00:00.000Z',
      custom_metadata: null,
      deletion_time: '',
      destroyed: false,
      version: 1,
    });
    kv.clock.advance(1);
    const second = await kv.call('update', 'data/app/db', write({ password: 'two' }));
    assert.equal(second.operation, 'update');
    assert.equal(second.authz?.action, 'update');
    assert.equal(second.response?.data?.['version'], 2);

    const latest = await kv.call('read', 'data/app/db');
    assert.deepEqual(latest.authz, { action: 'read', resource: 'secret/app/db' });
    assert.equal(latest.response?.status, undefined);
    assert.deepEqual(latest.response?.data, {
      data: { password: 'two' },
      metadata: {
        created_time: '2026-01-01T12:00:01.000Z',
        custom_metadata: null,
        deletion_time: '',
        destroyed: false,
        version: 2,
      },
    });
    const old = await kv.send('read', 'data/app/db', { version: '1' });
    assert.deepEqual(old?.data?.['data'], { password: 'one' });
    const zero = await kv.send('read', 'data/app/db', { version: 0 });
    assert.deepEqual(zero?.data?.['data'], { password: 'two' });
  });

  it('answers a plain 404 for a path that never existed or a version that does not exist', async () => {
    const kv = await mountKv();
    await rejectsVault(kv.send('read', 'data/nope'), 404, '');
    await kv.send('update', 'data/x', write({ a: 1 }));
    await rejectsVault(kv.send('read', 'data/x', { version: 7 }), 404, '');
  });

  it('answers a plain 404 for a secret with metadata but no version', async () => {
    const kv = await mountKv();
    await kv.send('update', 'metadata/only-meta', { max_versions: 3 });
    await rejectsVault(kv.send('read', 'data/only-meta'), 404, '');
  });

  it('keeps storage keys free of values', async () => {
    const kv = await mountKv();
    await kv.send('update', 'data/app/db', write({ password: 'hunter2-value' }));
    for (const key of kv.store.entries.keys()) assert.ok(!key.includes('hunter2'), key);
    const keys = [...kv.store.entries.keys()].map((k) => k.replace(/^logical\/[^/]+\//, ''));
    assert.ok(keys.includes('meta/app/db'));
    assert.ok(keys.some((k) => /^versions\/[0-9a-f]{64}\/1$/.test(k)));
  });

  describe('check-and-set', () => {
    it('cas=0 writes only when absent; a matching cas succeeds; a mismatch is 400', async () => {
      const kv = await mountKv();
      await kv.send('update', 'data/c', write({ v: 1 }, { cas: 0 }));
      await rejectsVault(
        kv.send('update', 'data/c', write({ v: 2 }, { cas: 0 })),
        400,
        'check-and-set parameter did not match the current version',
      );
      const ok = await kv.send('update', 'data/c', write({ v: 2 }, { cas: 1 }));
      assert.equal(ok?.data?.['version'], 2);
      await rejectsVault(kv.send('update', 'data/c', write({ v: 3 }, { cas: '1' })), 400, /did not match/);
      const asText = await kv.send('update', 'data/c', write({ v: 3 }, { cas: '2' }));
      assert.equal(asText?.data?.['version'], 3);
    });

    it('cas_required on the mount or the key demands cas', async () => {
      const kv = await mountKv();
      await kv.send('update', 'config', { cas_required: true });
      await rejectsVault(kv.send('update', 'data/m', write({ a: 1 })), 400, 'check-and-set parameter required for this call');
      await kv.send('update', 'data/m', write({ a: 1 }, { cas: 0 }));

      const other = await mountKv();
      await other.send('update', 'metadata/k', { cas_required: true });
      await rejectsVault(other.send('update', 'data/k', write({ a: 1 })), 400, /required/);
      await other.send('update', 'data/k', write({ a: 1 }, { cas: 0 }));
      await other.send('update', 'data/free', write({ a: 1 }));
    });

    it('rejects negative or non-numeric cas', async () => {
      const kv = await mountKv();
      await rejectsVault(kv.send('update', 'data/n', write({ a: 1 }, { cas: -1 })), 400, /negative/);
      await rejectsVault(kv.send('update', 'data/n', write({ a: 1 }, { cas: 'x' })), 400, /parsing/);
    });
  });

  it('prunes versions beyond max_versions and advances oldest_version', async () => {
    const kv = await mountKv();
    await kv.send('update', 'config', { max_versions: 3 });
    for (let i = 1; i <= 3; i++) await kv.send('update', 'data/p', write({ i }));
    let meta = await kv.send('read', 'metadata/p');
    assert.equal(meta?.data?.['oldest_version'], 0);
    for (let i = 4; i <= 5; i++) await kv.send('update', 'data/p', write({ i }));
    meta = await kv.send('read', 'metadata/p');
    assert.equal(meta?.data?.['current_version'], 5);
    assert.equal(meta?.data?.['oldest_version'], 3);
    assert.deepEqual(Object.keys(meta?.data?.['versions'] ?? {}).sort(), ['3', '4', '5']);
    await rejectsVault(kv.send('read', 'data/p', { version: 1 }), 404, '');
    assert.deepEqual((await kv.send('read', 'data/p', { version: 3 }))?.data?.['data'], { i: 3 });
    const versionKeys = [...kv.store.entries.keys()].filter((k) => k.includes('/versions/'));
    assert.equal(versionKeys.length, 3);

    // A key's own max_versions overrides the mount's.
    await kv.send('update', 'metadata/p', { max_versions: 1 });
    await kv.send('update', 'data/p', write({ i: 6 }));
    meta = await kv.send('read', 'metadata/p');
    assert.deepEqual(Object.keys(meta?.data?.['versions'] ?? {}), ['6']);
    assert.equal(meta?.data?.['oldest_version'], 6);
  });

  it('keeps 10 versions by default', async () => {
    const kv = await mountKv();
    for (let i = 1; i <= 11; i++) await kv.send('update', 'data/d', write({ i }));
    const meta = await kv.send('read', 'metadata/d');
    assert.equal(Object.keys(meta?.data?.['versions'] ?? {}).length, 10);
    assert.equal(meta?.data?.['oldest_version'], 2);
  });

  it('schedules deletion with delete_version_after and reads a passed one as deleted', async () => {
    const kv = await mountKv();
    await kv.send('update', 'config', { delete_version_after: '1h' });
    const written = await kv.send('update', 'data/t', write({ a: 1 }));
    assert.equal(written?.data?.['deletion_time'], '2026-01-01T13:00:00.000Z');
    assert.deepEqual((await kv.send('read', 'data/t'))?.data?.['data'], { a: 1 });
    // The key's shorter setting wins.
    await kv.send('update', 'metadata/t', { delete_version_after: '10m' });
    const second = await kv.send('update', 'data/t', write({ a: 2 }));
    assert.equal(second?.data?.['deletion_time'], '2026-01-01T12:10:00.000Z');
    kv.clock.advance(3601);
    const gone = await kv.send('read', 'data/t', { version: 1 });
    assert.equal(gone?.status, 404);
    assert.equal(gone?.data?.['data'], null);
  });

  describe('patch', () => {
    it('merges onto the latest version (null removes a key) and writes a new version', async () => {
      const kv = await mountKv();
      await kv.send('update', 'data/m', write({ keep: 'k', drop: 'd', nested: { a: 1, b: 2 } }));
      const patched = await kv.call('patch', 'data/m', write({ drop: null, add: 'x', nested: { b: null, c: 3 } }, { cas: 1 }));
      assert.deepEqual(patched.authz, { action: 'patch', resource: 'secret/m' });
      assert.equal(patched.response?.data?.['version'], 2);
      const read = await kv.send('read', 'data/m');
      assert.deepEqual(read?.data?.['data'], { keep: 'k', nested: { a: 1, c: 3 }, add: 'x' });
      await rejectsVault(kv.send('patch', 'data/m', write({ a: 1 }, { cas: 1 })), 400, /did not match/);
    });

    it('answers 404 for a missing secret and for a deleted latest version', async () => {
      const kv = await mountKv();
      await rejectsVault(kv.send('patch', 'data/none', write({ a: 1 })), 404, '');
      await kv.send('update', 'data/del', write({ a: 1 }));
      await kv.send('delete', 'data/del');
      const res = await kv.send('patch', 'data/del', write({ a: 2 }));
      assert.equal(res?.status, 404);
      assert.equal(res?.data?.['version'], 1);
      assert.notEqual(res?.data?.['deletion_time'], '');
    });

    it('keeps a __proto__ key as data', async () => {
      const kv = await mountKv();
      await kv.send('update', 'data/proto', write({ a: 1 }));
      await kv.send('patch', 'data/proto', write(JSON.parse('{"__proto__": {"polluted": true}}')));
      const read = await kv.send('read', 'data/proto');
      assert.equal(Reflect.get({}, 'polluted'), undefined);
      assert.deepEqual(Object.keys(read?.data?.['data'] ?? {}).sort(), ['__proto__', 'a']);
    });
  });

  it('DELETE soft-deletes the latest version: read is 404 with the envelope', async () => {
    const kv = await mountKv();
    await kv.send('update', 'data/s', write({ a: 1 }));
    await kv.send('update', 'data/s', write({ a: 2 }));
    const del = await kv.call('delete', 'data/s');
    assert.equal(del.response, undefined);
    assert.deepEqual(del.authz, { action: 'delete', resource: 'secret/s' });
    const read = await kv.send('read', 'data/s');
    assert.equal(read?.status, 404);
    assert.deepEqual(read?.data, {
      data: null,
      metadata: {
        created_time: '2026-01-01T12:00:00.000Z',
        custom_metadata: null,
        deletion_time: '2026-01-01T12:00:00.000Z',
        destroyed: false,
        version: 2,
      },
    });
    assert.deepEqual((await kv.send('read', 'data/s', { version: 1 }))?.data?.['data'], { a: 1 });
    assert.equal(await kv.send('delete', 'data/never'), undefined);
  });

  it('serialises concurrent writes to one path into consecutive versions', async () => {
    const kv = await mountKv();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => kv.send('update', 'data/race', write({ i }))),
    );
    const versions = results.map((r) => r?.data?.['version']).sort((a, b) => Number(a) - Number(b));
    assert.deepEqual(versions, Array.from({ length: 20 }, (_, i) => i + 1));
    const meta = await kv.send('read', 'metadata/race');
    assert.equal(meta?.data?.['current_version'], 20);

    // Concurrent cas=0 writes: exactly one wins.
    const attempts = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => kv.send('update', 'data/once', write({ i }, { cas: 0 }))),
    );
    assert.equal(attempts.filter((a) => a.status === 'fulfilled').length, 1);
  });

  it('rejects bad input with 400', async () => {
    const kv = await mountKv();
    await rejectsVault(kv.send('update', 'data/b', { data: 'not an object' }), 400, /`data`/);
    await rejectsVault(kv.send('update', 'data/b', { data: [1, 2] }), 400, /`data`/);
    await rejectsVault(kv.send('update', 'data/b', {}), 400, 'no data provided');
    await rejectsVault(kv.send('update', 'data/b', { data: {}, options: 'x' }), 400, /`options`/);
    await rejectsVault(kv.send('read', 'data/b', { version: 'abc' }), 400, /`version`/);
    await rejectsVault(kv.send('update', 'data/folder/', write({ a: 1 })), 400, /cannot end with/);
  });
});
