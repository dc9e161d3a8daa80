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

  it('says postgres and etcd are not yet supported', async () => {
    await assert.rejects(createBackend({ type: 'postgres' }), /`postgres` is not yet supported/);
    await assert.rejects(createBackend({ type: 'etcd' }), /`etcd` is not yet supported/);
  });

  it('rejects an unknown type', async () => {
    await assert.rejects(createBackend({ type: 'nope' } as unknown as StorageConfig), /unknown storage type/);
  });
});
