import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kvVersion } from './index.js';
import type { KvV1Response } from './kv-v1.js';
import { KeyedMutex } from '../../framework/keyed-mutex.js';
import { mountKv, rejectsVault, testMount } from './test-harness.js';

const v1 = () => mountKv({ options: {}, path: 'kv/' });

describe('kv v1', () => {
  it('chooses the version from the mount', () => {
    assert.equal(kvVersion(testMount({ options: {} })), 1);
    assert.equal(kvVersion(testMount({ options: { version: '1' } })), 1);
    assert.equal(kvVersion(testMount({ options: { version: '2' } })), 2);
    assert.equal(kvVersion(testMount({ type: 'kv-v2', options: {} })), 2);
  });

  it('round-trips the flat body, with create/update by existence', async () => {
    const kv = await v1();
    const created = await kv.call('update', 'app/db', { user: 'u', password: 'p', port: 5432 });
    assert.equal(created.response, undefined);
    assert.deepEqual(created.authz, { action: 'create', resource: 'kv/app/db' });
    const read = await kv.call('read', 'app/db');
    assert.deepEqual(read.authz, { action: 'read', resource: 'kv/app/db' });
    assert.deepEqual(read.response?.data, { user: 'u', password: 'p', port: 5432 });
    const updated = await kv.call('update', 'app/db', { password: 'q' });
    assert.equal(updated.operation, 'update');
    assert.deepEqual((await kv.send('read', 'app/db'))?.data, { password: 'q' });
    const del = await kv.call('delete', 'app/db');
    assert.deepEqual(del.authz, { action: 'delete', resource: 'kv/app/db' });
    await rejectsVault(kv.send('read', 'app/db'), 404, '');
  });

  it('reports ttl as an advisory lease duration', async () => {
    const kv = await mountKv({ options: {}, config: { default_lease_ttl: 600, max_lease_ttl: 0 } });
    await kv.send('update', 'with-ttl', { value: 'x', ttl: '1h' });
    await kv.send('update', 'plain', { value: 'x' });
    const withTtl: KvV1Response | undefined = await kv.send('read', 'with-ttl');
    assert.equal(withTtl?.secret, undefined);
    assert.equal(withTtl !== undefined && 'leaseDuration' in withTtl ? withTtl.leaseDuration : undefined, 3600);
    assert.deepEqual(withTtl?.data, { value: 'x', ttl: '1h' });
    const plain: KvV1Response | undefined = await kv.send('read', 'plain');
    assert.equal(plain !== undefined && 'leaseDuration' in plain ? plain.leaseDuration : undefined, 600);
  });

  it('lists the root and folders; empty is a plain 404', async () => {
    const kv = await v1();
    await rejectsVault(kv.send('list', ''), 404, '');
    for (const path of ['foo', 'foo/bar', 'foo/baz/x']) await kv.send('update', path, { a: 1 });
    const root = await kv.call('list', '');
    assert.deepEqual(root.authz, { action: 'list', resource: 'kv' });
    assert.deepEqual(root.response?.data, { keys: ['foo', 'foo/'] });
    assert.deepEqual((await kv.send('list', 'foo'))?.data, { keys: ['bar', 'baz/'] });
    await rejectsVault(kv.send('list', 'nothing/'), 404, '');
  });

  it('rejects an empty body or a missing path', async () => {
    const kv = await v1();
    await rejectsVault(kv.send('update', 'x', {}), 400, 'missing data fields');
    await rejectsVault(kv.send('update', '', { a: 1 }), 400, 'missing path');
  });
});

describe('KeyedMutex', () => {
  it('serialises one key, runs different keys in parallel and forgets idle keys', async () => {
    const mutex = new KeyedMutex();
    const order: string[] = [];
    const slow = (label: string, ms: number) => async () => {
      order.push(`start ${label}`);
      await new Promise((r) => setTimeout(r, ms));
      order.push(`end ${label}`);
    };
    await Promise.all([mutex.run('a', slow('a1', 20)), mutex.run('a', slow('a2', 1)), mutex.run('b', slow('b1', 1))]);
    assert.deepEqual(order, ['start a1', 'start b1', 'end b1', 'end a1', 'start a2', 'end a2']);
    await assert.rejects(mutex.run('a', async () => Promise.reject(new Error('boom'))));
    assert.equal(await mutex.run('a', async () => 7), 7);
    assert.equal(mutex.size, 0);
  });
});
