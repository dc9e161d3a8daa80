import Database from 'better-sqlite3';
import type { StorageOp } from './storage-backend.js';
import { assertStorageOp } from './storage-key.js';

/**
 * What both SQLite connections share: how a file is opened and how a group of write requests is
 * applied. The server's thread reads through one connection; the writer thread
 * (`sqlite-writer-thread.ts`) commits through another, so these must agree exactly.
 */

/** Opens `path` in WAL mode with `synchronous=FULL` and a page cache of `cacheKiB`. */
export function openSqlite(path: string, cacheKiB: number): Database.Database {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    // FULL fsyncs the WAL on every commit: a secrets store must not forget a rotated
    // password on power loss (NORMAL would only protect against a process crash).
    db.pragma('synchronous = FULL');
    // Negative means KiB rather than pages (https://sqlite.org/pragma.html#pragma_cache_size).
    db.pragma(`cache_size = -${cacheKiB}`);
    db.pragma('busy_timeout = 5000');
    db.exec('CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID');
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/**
 * Applies requests (each a list of operations that must land together) in one transaction.
 * Returns per request `undefined` or the error that rolled back just that request; throws if
 * the transaction as a whole failed (then nothing was applied).
 */
export type ApplyGroup = (requests: readonly (readonly StorageOp[])[]) => unknown[];

export function groupApplier(db: Database.Database): ApplyGroup {
  const putStmt = db.prepare<[string, Uint8Array]>('INSERT OR REPLACE INTO kv (key, value) VALUES (?, ?)');
  const deleteStmt = db.prepare<[string]>('DELETE FROM kv WHERE key = ?');
  // Nested better-sqlite3 transactions become SAVEPOINTs: one request that fails rolls back
  // alone, and the group's other requests still commit.
  const applyOne = db.transaction((ops: readonly StorageOp[]) => {
    for (const op of ops) {
      assertStorageOp(op); // inside the transaction, so a bad op mid-batch undoes earlier ones
      if (op.type === 'put') putStmt.run(op.key, op.value);
      else deleteStmt.run(op.key);
    }
  });
  return db.transaction((requests: readonly (readonly StorageOp[])[]) =>
    requests.map((ops) => {
      try {
        applyOne(ops);
        return undefined;
      } catch (err) {
        return err;
      }
    }),
  );
}
