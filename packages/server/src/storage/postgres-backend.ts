import pg from 'pg';
import { VaultError } from '../errors.js';
import { PostgresHaLock, type HaLockTiming } from './postgres-ha-lock.js';
import { SerialCommit } from './serial-commit.js';
import { childrenOf, type HaLock, type StorageBackend, type StorageOp } from './storage-backend.js';
import { assertStorageKey, assertStorageOp } from './storage-key.js';

export interface PostgresOptions {
  /** libpq-style URL, e.g. `postgres://vault:…@db:5432/vault?sslmode=require`. */
  readonly connectionUrl: string;
  /** Table for the data; `[schema.]name`. Default `secretum_kv`. */
  readonly table?: string;
  /** Offer a leader lock. Default false. */
  readonly haEnabled?: boolean;
  /** Table for the lock row; `[schema.]name`. Default `<table>_ha_lock`. */
  readonly haTable?: string;
  /** Pool size for storage queries (the lock has its own two connections). Default 10. */
  readonly maxConnections?: number;
  /** Lock lease timing; the defaults hand over within about 12 s. */
  readonly haTiming?: Partial<HaLockTiming>;
}

/** Rows fetched per round trip by `keys()`. */
const PAGE = 1000;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * PostgreSQL storage: one table `(key TEXT COLLATE "C" PRIMARY KEY, value BYTEA)`.
 *
 * - The `C` collation makes the primary-key index sort by bytes (UTF-8 code point order), so
 *   prefix scans are index range scans `key >= $prefix AND key < $upper` with a computed upper
 *   bound; LIKE would need `text_pattern_ops` and escaping.
 * - `list` is a loose index scan (a recursive CTE that jumps over each folder), so listing a
 *   folder with a million descendants in ten children costs ten index probes, not a million rows.
 * - Writes go through {@link SerialCommit}: one transaction per group, groups in issue order.
 *   `synchronous_commit=on` is forced per session, so a resolved write is on the server's WAL
 *   (durable on commit) whatever the database default says.
 */
export class PostgresBackend implements StorageBackend {
  readonly type = 'postgres';
  readonly haLock?: HaLock;
  private readonly writes: SerialCommit<readonly StorageOp[]>;
  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly table: string,
    haLock: PostgresHaLock | undefined,
  ) {
    if (haLock) this.haLock = haLock;
    this.writes = new SerialCommit((groups) => this.commit(groups), { keysOf: (ops) => ops.map((op) => op.key) });
  }

  /** Connects, creates the tables if needed, and returns a ready backend. */
  static async open(options: PostgresOptions): Promise<PostgresBackend> {
    const table = quoteTable(options.table ?? 'secretum_kv');
    const lockTable = quoteTable(options.haTable ?? `${options.table ?? 'secretum_kv'}_ha_lock`);
    const pool = newPool(options.connectionUrl, options.maxConnections ?? 10);
    try {
      await createSchema(pool, table, options.haEnabled ? lockTable : undefined);
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw new VaultError('internal', `storage \`postgres\`: cannot prepare table: ${messageOf(err)}`);
    }
    const renewMs = options.haTiming?.renewMs ?? 3_000;
    const lock = options.haEnabled
      ? new PostgresHaLock(newPool(options.connectionUrl, 2, renewMs), lockTable, options.haTiming)
      : undefined;
    return new PostgresBackend(pool, table, lock);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    assertStorageKey(key);
    await this.writes.settledFor(key);
    const { rows } = await this.pool.query<{ value: Buffer }>(`SELECT value FROM ${this.table} WHERE key = $1`, [key]);
    const row = rows[0];
    return row === undefined ? undefined : new Uint8Array(row.value);
  }

  put(key: string, value: Uint8Array): Promise<void> {
    return this.batch([{ type: 'put', key, value }]);
  }

  delete(key: string): Promise<void> {
    return this.batch([{ type: 'delete', key }]);
  }

  async batch(ops: readonly StorageOp[]): Promise<void> {
    this.assertOpen();
    for (const op of ops) assertStorageOp(op);
    // A private copy now: the caller may wipe its buffer before the group commits.
    const copy = ops.map((op): StorageOp => (op.type === 'put' ? { type: 'put', key: op.key, value: Buffer.from(op.value) } : op));
    return this.writes.enqueue(copy);
  }

  async list(prefix: string): Promise<string[]> {
    await this.writes.settledForPrefix(prefix);
    const upper = upperBound(prefix);
    const below = (col: string) => (upper === undefined ? '' : `AND ${col} < $2`);
    // Each step finds the first key at or after the next possible child: past a leaf, the leaf
    // plus the smallest character; past a folder `p/c/…`, `p/c0` ('0' follows '/').
    const rest = 'substr(w.key, length($1::text) + 1)';
    const next = `CASE WHEN strpos(${rest}, '/') = 0 THEN w.key || chr(1)
      ELSE $1::text || left(${rest}, strpos(${rest}, '/') - 1) || '0' END`;
    const sql = `
      WITH RECURSIVE walk(key) AS (
        (SELECT key FROM ${this.table} WHERE key >= $1 ${below('key')} ORDER BY key LIMIT 1)
        UNION ALL
        SELECT (SELECT n.key FROM ${this.table} n WHERE n.key >= ${next} ${below('n.key')} ORDER BY n.key LIMIT 1)
        FROM walk w WHERE w.key IS NOT NULL
      )
      SELECT key FROM walk WHERE key IS NOT NULL`;
    const { rows } = await this.pool.query<{ key: string }>(sql, upper === undefined ? [prefix] : [prefix, upper]);
    return childrenOf(
      prefix,
      rows.map((r) => r.key),
    );
  }

  async *keys(prefix: string): AsyncIterable<string> {
    await this.writes.settledForPrefix(prefix);
    const upper = upperBound(prefix);
    const bound = upper === undefined ? '' : 'AND key < $3';
    let after: string | undefined;
    for (;;) {
      // Keyset pagination: each page is an index range scan starting after the last key seen.
      const { rows } = await this.pool.query<{ key: string }>(
        `SELECT key FROM ${this.table} WHERE key >= $1 AND key > $2 ${bound} ORDER BY key LIMIT ${PAGE}`,
        upper === undefined ? [prefix, after ?? ''] : [prefix, after ?? '', upper],
      );
      for (const row of rows) yield row.key;
      if (rows.length < PAGE) return;
      after = rows.at(-1)!.key;
    }
  }

  /**
   * Waits for queued writes, stops the lock's timers without releasing the lock (another node
   * takes over when the lease runs out, as after a crash; call `haLock.release()` first for a
   * prompt hand-over), and closes the pools.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writes.drain();
    await (this.haLock as PostgresHaLock | undefined)?.abandon();
    await this.pool.end();
  }

  /** One transaction for a group of batches; later operations on a key win. */
  private async commit(groups: readonly (readonly StorageOp[])[]): Promise<void> {
    const final = new Map<string, Buffer | undefined>();
    for (const ops of groups) for (const op of ops) final.set(op.key, op.type === 'put' ? (op.value as Buffer) : undefined);
    const putKeys: string[] = [];
    const putValues: Buffer[] = [];
    const deleteKeys: string[] = [];
    for (const [key, value] of final) {
      if (value === undefined) deleteKeys.push(key);
      else {
        putKeys.push(key);
        putValues.push(value);
      }
    }
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      if (deleteKeys.length > 0) await client.query(`DELETE FROM ${this.table} WHERE key = ANY($1::text[])`, [deleteKeys]);
      if (putKeys.length > 0) {
        await client.query(
          `INSERT INTO ${this.table} (key, value) SELECT * FROM unnest($1::text[], $2::bytea[])
           ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
          [putKeys, putValues],
        );
      }
      await client.query('COMMIT');
      client.release();
    } catch (err) {
      // A failed ROLLBACK means the connection is broken: drop it rather than reuse it.
      const broken = await client.query('ROLLBACK').then(
        () => false,
        () => true,
      );
      client.release(broken);
      throw new VaultError('internal', `storage \`postgres\`: write failed: ${messageOf(err)}`);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new VaultError('internal', 'storage `postgres` is closed');
  }
}

function newPool(connectionString: string, max: number, queryTimeoutMs?: number): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    // Durable on acknowledge, even if the database or role default says otherwise.
    options: '-c synchronous_commit=on',
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
    ...(queryTimeoutMs !== undefined && { query_timeout: queryTimeoutMs, connectionTimeoutMillis: queryTimeoutMs }),
  });
  // An idle client losing its connection emits here; without a listener Node would crash.
  pool.on('error', () => undefined);
  return pool;
}

async function createSchema(pool: pg.Pool, table: string, lockTable: string | undefined): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Two nodes starting together would otherwise race on CREATE TABLE IF NOT EXISTS.
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('secretum-schema'))`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${table} (key TEXT COLLATE "C" PRIMARY KEY, value BYTEA NOT NULL)`);
    if (lockTable !== undefined) {
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${lockTable} (name TEXT PRIMARY KEY, holder TEXT NOT NULL, node_id TEXT NOT NULL,
           advertise TEXT NOT NULL, expires_at TIMESTAMPTZ NOT NULL)`,
      );
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** `name` or `schema.name`, each part checked and double-quoted. */
function quoteTable(name: string): string {
  const parts = name.split('.');
  if (parts.length > 2 || !parts.every((p) => IDENTIFIER.test(p))) {
    throw new VaultError('internal', `storage \`table\` must be a plain SQL identifier, optionally schema-qualified, got \`${name}\``);
  }
  return parts.map((p) => `"${p}"`).join('.');
}

/**
 * The smallest string greater than every string starting with `prefix`, in code point order
 * (which the `C` collation gives for UTF-8): the last code point plus one. Undefined for `''`.
 */
export function upperBound(prefix: string): string | undefined {
  const points = [...prefix].map((c) => c.codePointAt(0)!);
  while (points.length > 0 && points.at(-1) === 0x10ffff) points.pop();
  if (points.length === 0) return undefined;
  let last = points.pop()! + 1;
  if (last === 0xd800) last = 0xe000; // surrogates cannot be stored as UTF-8
  return String.fromCodePoint(...points, last);
}

function messageOf(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}
