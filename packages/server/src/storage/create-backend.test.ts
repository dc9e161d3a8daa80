import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StorageConfig } from '../config/server-config.js';
import { createBackend } from './create-backend.js';

describe('createBackend', () => {
  it('creates an inmem backend', async () => {
    const backend = await createBackend({ type: 'inmem' });
    assert.equal(backend.type, 'inmem');
    await backend.close();
  });

  it('creates a sqlite backend in memory (dev mode)', async () => {
    const backend = await createBackend({ type: 'sqlite', path: ':memory:', cache_size_kib: 1024 });
    assert.equal(backend.type, 'sqlite');
    await backend.put('a', new Uint8Array([1]));
    assert.deepEqual(await backend.get('a'), new Uint8Array([1]));
    await backend.close();
  });

  it('requires a sqlite path and a valid cache size', async () => {
    await assert.rejects(createBackend({ type: 'sqlite' }), /needs `path`/);
    await assert.rejects(createBackend({ type: 'sqlite', path: ':memory:', cache_size_kib: -1 }), /cache_size_kib/);
  });

  it('checks postgres and etcd settings before connecting', async () => {
    await assert.rejects(createBackend({ type: 'postgres' }), /needs `connection_url`/);
    await assert.rejects(createBackend({ type: 'postgres', connection_url: 'postgres://x/y', ha_enabled: 'yes' }), /`ha_enabled`/);
    await assert.rejects(createBackend({ type: 'postgres', connection_url: 'postgres://x/y', table: 'a-b' }), /plain SQL identifier/);
    await assert.rejects(createBackend({ type: 'etcd', address: '' }), /`address`/);
    await assert.rejects(createBackend({ type: 'etcd', path: 'no-slash' }), /must end with `\/`/);
  });

  it('creates an etcd backend (lazily loaded; connects on first use)', async () => {
    const backend = await createBackend({ type: 'etcd', address: 'http://127.0.0.1:9, http://127.0.0.1:10', ha_enabled: true });
    assert.equal(backend.type, 'etcd');
    assert.ok(backend.haLock);
    await backend.close();
  });

  it('rejects an unknown type', async () => {
    await assert.rejects(createBackend({ type: 'nope' } as unknown as StorageConfig), /unknown storage type/);
  });
});
