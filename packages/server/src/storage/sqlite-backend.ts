import type Database from 'better-sqlite3';
import { VaultError } from '../errors.js';
import { GroupCommit } from './group-commit.js';
import { groupApplier, openSqlite } from './sqlite-apply.js';
import { SqliteWriter } from './sqlite-writer.js';
import type { StorageBackend, StorageOp } from './storage-backend.js';
import { assertStorageKey, assertStorageOp, copyBytes } from './storage-key.js';

/** Options for {@link SqliteBackend.open}. */
export interface SqliteOptions {
  /** Page cache size in KiB (SQLite's default is ~2 MiB; ours is 64 MiB). */
  cacheSizeKiB?: number;
}

const DEFAULT_CACHE_KIB = 64 * 1024;
/**
 * Page cache of the writer thread's connection. A write touches only the pages on the paths to
 * its keys, and every read goes through this thread's connection, so the writer needs far less
 * than the reader: each connection's cache counts in full towards the process's memory.
 */
const WRITER_CACHE_KIB = 8 * 1024;
/** Keys fetched per round trip by `keys()`; no SQLite cursor stays open across an `await`. */
const KEYS_PAGE = 512;

/**
 * The default backend: one SQLite file in WAL mode (ARCHITECTURE.md, "Storage and the barrier").
 *
 * Reads are synchronous prepared statements on this thread. Writes go through group commit:
 * for a file, a writer thread (`sqlite-writer-thread.ts`) with its own connection commits one
 * group at a time, so the fsync of `synchronous=FULL` never blocks the event loop, and the next
 * group fills while the current one is being made durable. An in-memory database (dev mode)
 * cannot be shared between connections and has no fsync to hide, so it commits in-line.
 *
 * Read-your-writes without early flushes: a read of a key that a queued or in-flight write
 * touches waits for that group's commit and then reads SQLite; a read of any other key reads
 * SQLite at once, because its committed value is current. WAL gives each read statement a
 * snapshot that includes every transaction committed before it started, on any connection.
 * INVARIANT: nothing uncommitted is ever served. We chose waiting over answering from the queue
 * because a queued write is not yet durable: serving it would let a reader act on a value (a
 * rotated password) that a power cut could still erase. We chose it over flushing early (what
 * this backend did first) because that split every group at the first overlapping read, and a
 * KV write's own existence check is such a read: every write paid its own fsync.
 */
export class SqliteBackend implements StorageBackend {
  readonly type = 'sqlite';
  private readonly writes: GroupCommit<readonly StorageOp[]>;
  private closed = false;

  private readonly getStmt: Database.Statement<[string], Buffer>;
  private readonly firstAtOrAfter: Database.Statement<[string, Buffer], string>;
  private readonly firstAfter: Database.Statement<[string, Buffer], string>;
  private readonly pageAfter: Database.Statement<[string, Buffer, number], string>;
  /** Commits one group: on the writer thread for a file, in-line for `:memory:`. */
  private readonly applyGroup: (requests: readonly (readonly StorageOp[])[]) => unknown[] | Promise<unknown[]>;

  private constructor(
    private readonly db: Database.Database,
    private readonly writer: SqliteWriter | undefined,
  ) {
    this.getStmt = db.prepare<[string], Buffer>('SELECT value FROM kv WHERE key = ?').pluck();
    // The upper bound is the prefix followed by byte 0xFF, bound as TEXT: no UTF-8 string
    // contains 0xFF, so under BINARY collation every key with the prefix sorts below it, and
    // nothing else does (a '\uffff' bound would miss keys with characters above U+FFFF).
    const range = 'key < CAST(? AS TEXT)';
    this.firstAtOrAfter = db
      .prepare<[string, Buffer], string>(`SELECT key FROM kv WHERE key >= ? AND ${range} ORDER BY key LIMIT 1`)
      .pluck();
    this.firstAfter = db
      .prepare<[string, Buffer], string>(`SELECT key FROM kv WHERE key > ? AND ${range} ORDER BY key LIMIT 1`)
      .pluck();
    this.pageAfter = db
      .prepare<[string, Buffer, number], string>(`SELECT key FROM kv WHERE key > ? AND ${range} ORDER BY key LIMIT ?`)
      .pluck();

    this.applyGroup = writer === undefined ? groupApplier(db) : (requests) => writer.commit(requests);
    this.writes = new GroupCommit(
      (requests) => this.applyGroup(requests),
      (ops) => ops.map((op) => op.key),
    );
  }

  /**
   * Opens (creating if needed) the database at `path`; `':memory:'` gives a private in-memory
   * database for dev mode.
   */
  static open(path: string, options: SqliteOptions = {}): SqliteBackend {
    const cacheKiB = options.cacheSizeKiB ?? DEFAULT_CACHE_KIB;
    if (!Number.isInteger(cacheKiB) || cacheKiB <= 0) {
      throw new VaultError('internal', 'invalid sqlite cache size: expected a positive number of KiB');
    }
    const db = openSqlite(path, cacheKiB);
    const inMemory = path === ':memory:' || path === '';
    return new SqliteBackend(db, inMemory ? undefined : new SqliteWriter({ path, cacheKiB: Math.min(cacheKiB, WRITER_CACHE_KIB) }));
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    assertStorageKey(key);
    this.assertOpen();
    const queued = this.writes.settledFor(key);
    if (queued !== undefined) {
      await queued;
      this.assertOpen();
    }
    const value = this.getStmt.get(key);
    // better-sqlite3 copies each value into a Buffer over its own ArrayBuffer (never Node's
    // shared pool), so a plain Uint8Array view of it is already a private copy.
    return value === undefined ? undefined : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }

  put(key: string, value: Uint8Array): Promise<void> {
    // Copy now: the caller may reuse or wipe its buffer before the group flushes.
    return this.enqueue([{ type: 'put', key, value: value instanceof Uint8Array ? copyBytes(value) : value }]);
  }

  delete(key: string): Promise<void> {
    return this.enqueue([{ type: 'delete', key }]);
  }

  batch(ops: readonly StorageOp[]): Promise<void> {
    return this.enqueue(
      ops.map((op) => (op.type === 'put' && op.value instanceof Uint8Array ? { ...op, value: copyBytes(op.value) } : op)),
    );
  }

  /**
   * One level under `prefix`, by skip-scan: each child costs one index seek, and a folder's
   * whole subtree is jumped over by seeking to `<folder>0` ('0' is the byte after '/').
   */
  async list(prefix: string): Promise<string[]> {
    await this.beforeRead(prefix);
    const upper = upperBound(prefix);
    const out: string[] = [];
    let key = this.firstAtOrAfter.get(prefix, upper);
    while (key !== undefined) {
      const rest = key.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash === -1) {
        if (rest !== '') out.push(rest);
        key = this.firstAfter.get(key, upper);
      } else {
        out.push(rest.slice(0, slash + 1));
        key = this.firstAtOrAfter.get(prefix + rest.slice(0, slash) + '0', upper);
      }
    }
    // SQLite orders by UTF-8 bytes, JavaScript by UTF-16 units; sort so every backend agrees.
    return out.sort();
  }

  async *keys(prefix: string): AsyncIterable<string> {
    const upper = upperBound(prefix);
    let after: string | undefined;
    for (;;) {
      await this.beforeRead(prefix);
      // Start at the prefix itself on the first page (`key > ''` would also skip nothing).
      const page = after === undefined ? this.firstPage(prefix, upper) : this.pageAfter.all(after, upper, KEYS_PAGE);
      yield* page;
      if (page.length < KEYS_PAGE) return;
      after = page[page.length - 1];
    }
  }

  /** Commits what is still queued, then closes the writer thread and the database. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writes.drain();
    await this.writer?.close();
    this.db.close();
  }

  private firstPage(prefix: string, upper: Buffer): string[] {
    const first = this.firstAtOrAfter.get(prefix, upper);
    if (first === undefined) return [];
    return [first, ...this.pageAfter.all(first, upper, KEYS_PAGE - 1)];
  }

  private enqueue(ops: readonly StorageOp[]): Promise<void> {
    if (this.closed) return Promise.reject(closedError());
    // Checked before queueing too: a malformed request is refused alone, and nothing that
    // cannot cross to the writer thread is ever posted to it.
    try {
      for (const op of ops) assertStorageOp(op);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.writes.enqueue(ops);
  }

  /** Waits for a queued group that writes under `prefix` (read-your-writes for LIST and scans). */
  private async beforeRead(prefix: string): Promise<void> {
    this.assertOpen();
    const queued = this.writes.settledForPrefix(prefix);
    if (queued === undefined) return;
    await queued;
    this.assertOpen();
  }

  private assertOpen(): void {
    if (this.closed) throw closedError();
  }
}

const upperBound = (prefix: string): Buffer => Buffer.concat([Buffer.from(prefix, 'utf8'), Buffer.from([0xff])]);
const closedError = () => new VaultError('internal', 'storage backend is closed');
