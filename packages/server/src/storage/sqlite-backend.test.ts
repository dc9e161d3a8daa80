import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
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

  it('acknowledges a file write only after its commit is visible to another connection', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sv-sqlite-'));
    const path = join(dir, 'vault.db');
    const backend = SqliteBackend.open(path);
    const observer = new Database(path, { readonly: true });
    try {
      const read = observer.prepare<[string], Buffer>('SELECT value FROM kv WHERE key = ?').pluck();
      for (let i = 0; i < 20; i++) {
        await backend.put(`ack/${i}`, bytes(`v${i}`));
        assert.equal(read.get(`ack/${i}`)?.toString(), `v${i}`);
      }
    } finally {
      observer.close();
      await backend.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fills the next group while the writer thread commits the current one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sv-sqlite-'));
    const backend = SqliteBackend.open(join(dir, 'vault.db'));
    try {
      await backend.put('warm', bytes('up')); // the writer thread is running
      const inner = backend as unknown as { applyGroup: (reqs: readonly unknown[]) => Promise<unknown[]> };
      const original = inner.applyGroup;
      const sizes: number[] = [];
      inner.applyGroup = (reqs) => {
        sizes.push(reqs.length);
        return original(reqs);
      };
      const first = backend.put('p/first', bytes('1'));
      await new Promise((r) => setImmediate(r)); // the first group is now in flight
      const rest = Array.from({ length: 100 }, (_, i) => backend.put(`p/${i}`, bytes('v')));
      await Promise.all([first, ...rest]);
      assert.deepEqual(sizes, [1, 100]);
      assert.equal((await backend.list('p/')).length, 101);
    } finally {
      await backend.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails closed when the writer thread dies: writes are refused, never acknowledged', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sv-sqlite-'));
    const backend = SqliteBackend.open(join(dir, 'vault.db'));
    try {
      await backend.put('before', bytes('kept'));
      const writer = (backend as unknown as { writer: { worker: { terminate(): Promise<number> } } }).writer;
      await writer.worker.terminate();
      await assert.rejects(backend.put('after', bytes('lost')), /storage writer/);
      assert.deepEqual(await backend.get('before'), bytes('kept'));
      assert.equal(await backend.get('after'), undefined);
    } finally {
      await backend.close();
      await rm(dir, { recursive: true, force: true });
    }
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
