import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SqliteBackend } from './sqlite-backend.js';
import { describeStorageConformance } from './storage-conformance.js';

const dirs = new Map<object, string>();

describeStorageConformance(
  'sqlite (file)',
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sv-sqlite-'));
    const backend = SqliteBackend.open(join(dir, 'vault.db'));
    dirs.set(backend, dir);
    return backend;
  },
  async (backend) => {
    await rm(dirs.get(backend)!, { recursive: true, force: true });
    dirs.delete(backend);
  },
);

describeStorageConformance('sqlite (:memory:)', async () => SqliteBackend.open(':memory:'));

describe('SqliteBackend', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);

  it('finds its data after the file is reopened', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sv-sqlite-'));
    try {
      const path = join(dir, 'vault.db');
      const first = SqliteBackend.open(path);
      await first.put('kept/a', bytes('a'));
      await first.batch([{ type: 'put', key: 'kept/b', value: bytes('b') }]);
      // Not awaited: close() must flush what is still queued.
      void first.put('kept/c', bytes('c'));
      await first.close();

      const second = SqliteBackend.open(path, { cacheSizeKiB: 1024 });
      assert.deepEqual(await second.list('kept/'), ['a', 'b', 'c']);
      assert.deepEqual(await second.get('kept/b'), bytes('b'));
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('uses WAL, synchronous=FULL and the requested cache size', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sv-sqlite-'));
    try {
      const backend = SqliteBackend.open(join(dir, 'vault.db'), { cacheSizeKiB: 2048 });
      // Reach the private handle only to check the pragmas; no other test does this.
      const db = (backend as unknown as { db: { pragma(s: string, o: { simple: true }): unknown } }).db;
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(db.pragma('synchronous', { simple: true }), 2); // 2 = FULL
      assert.equal(db.pragma('cache_size', { simple: true }), -2048);
      await backend.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('commits a burst of writes in one transaction', async () => {
    const backend = SqliteBackend.open(':memory:');
    // Count group transactions by wrapping the private group applier (looked up per flush).
    const inner = backend as unknown as { applyGroup: (reqs: readonly unknown[]) => unknown[] };
    const original = inner.applyGroup;
    let groups = 0;
    inner.applyGroup = (reqs) => {
      groups++;
      return original(reqs);
    };
    await Promise.all(Array.from({ length: 100 }, (_, i) => backend.put(`g/${i}`, bytes('v'))));
    assert.equal(groups, 1);
    assert.equal((await backend.list('g/')).length, 100);
    await backend.close();
  });

  it('a read of another key while writes are queued neither flushes nor splits the group', async () => {
    const backend = SqliteBackend.open(':memory:');
    await backend.put('other', bytes('committed'));
    const inner = backend as unknown as { applyGroup: (reqs: readonly unknown[]) => unknown[] };
    const original = inner.applyGroup;
    let groups = 0;
    inner.applyGroup = (reqs) => {
      groups++;
      return original(reqs);
    };
    // The shape of a KV write under load: each request reads (its existence check) while the
    // previous request's write is queued, then queues its own write.
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) {
      assert.deepEqual(await backend.get('other'), bytes('committed'));
      writes.push(backend.put(`w/${i}`, bytes('v')));
    }
    await Promise.all(writes);
    assert.equal(groups, 1);
    await backend.close();
  });

  it('a read of a queued key waits for its group and never sees an uncommitted value', async () => {
    const backend = SqliteBackend.open(':memory:');
    await backend.put('k', bytes('old'));
    const inner = backend as unknown as { applyGroup: (reqs: readonly unknown[]) => unknown[] };
    const original = inner.applyGroup;
    const events: string[] = [];
    inner.applyGroup = (reqs) => {
      events.push('commit');
      return original(reqs);
    };
    const write = backend.put('k', bytes('new')).then(() => events.push('write acknowledged'));
    const read = backend.get('k').then((v) => {
      events.push('read answered');
      return v;
    });
    assert.deepEqual(await read, bytes('new'));
    await write;
    assert.deepEqual(events, ['commit', 'write acknowledged', 'read answered']);
    await backend.close();
  });

  it('a read of a key whose group rolls back sees the committed value', async () => {
    const backend = SqliteBackend.open(':memory:');
    await backend.put('k', bytes('old'));
    const bad = { type: 'put', key: '', value: bytes('x') } as const;
    const failed = backend.batch([{ type: 'put', key: 'k', value: bytes('new') }, bad]);
    assert.deepEqual(await backend.get('k'), bytes('old'));
    await assert.rejects(failed);
    await backend.close();
  });

  it('rejects operations after close', async () => {
    const backend = SqliteBackend.open(':memory:');
    await backend.close();
    await assert.rejects(backend.put('a', bytes('a')), /closed/);
    await assert.rejects(backend.get('a'), /closed/);
    await backend.close();
  });

  it('rejects a non-positive cache size', () => {
    assert.throws(() => SqliteBackend.open(':memory:', { cacheSizeKiB: 0 }), /cache size/);
  });
});
