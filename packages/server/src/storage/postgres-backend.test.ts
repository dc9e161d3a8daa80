import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { describeHaLockConformance } from './ha-lock-conformance.js';
import { PostgresBackend, upperBound } from './postgres-backend.js';
import { describeStorageConformance } from './storage-conformance.js';

/**
 * Runs the shared suites against a throwaway database created on the server named by
 * SECRETUM_TEST_PG_URL (default: the local PostgreSQL with trust auth), dropped at the end.
 */
const ADMIN_URL = process.env['SECRETUM_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `secretum_test_${randomBytes(6).toString('hex')}`;
const dbUrl = (() => {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  return url.toString();
})();

let created: Promise<void> | undefined;
const database = () =>
  (created ??= (async () => {
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${dbName}`);
    } finally {
      await admin.end();
    }
  })());

after(async () => {
  if (created === undefined) return;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
});

let tables = 0;
describeStorageConformance(
  'postgres',
  async () => {
    await database();
    return PostgresBackend.open({ connectionUrl: dbUrl, table: `kv_${++tables}` });
  },
  async () => {
    const client = new pg.Client({ connectionString: dbUrl });
    await client.connect();
    await client.query(`DROP TABLE IF EXISTS kv_${tables}`).finally(() => client.end());
  },
);

const timing = { ttlMs: 3_000, renewMs: 1_000, retryMs: 300 };
let lockTable = 0;
describeHaLockConformance(
  'postgres',
  async () => {
    await database();
    return PostgresBackend.open({ connectionUrl: dbUrl, table: `ha_${lockTable}`, haEnabled: true, haTiming: timing });
  },
  timing,
  () => void lockTable++,
);

describe('postgres backend', () => {
  it('computes the upper bound of a prefix in code point order', () => {
    assert.equal(upperBound(''), undefined);
    assert.equal(upperBound('a/'), 'a0');
    assert.equal(upperBound('a\u{10ffff}'), 'b');
    assert.equal(upperBound('\u{d7ff}'), '\u{e000}');
  });

  it('scans and lists through the primary-key index', async () => {
    await database();
    const backend = await PostgresBackend.open({ connectionUrl: dbUrl, table: 'plan_check' });
    const client = new pg.Client({ connectionString: dbUrl });
    await client.connect();
    try {
      await client.query(`INSERT INTO plan_check SELECT 'f/' || g || '/x', '\\x00' FROM generate_series(1, 20000) g`);
      await client.query('ANALYZE plan_check');
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT key FROM plan_check WHERE key >= $1 AND key > $2 AND key < $3 ORDER BY key LIMIT 1000`,
        ['f/1', '', 'f/10'],
      );
      assert.match(rows.map((r) => r['QUERY PLAN']).join('\n'), /Index Only Scan|Index Scan/);
      const started = performance.now();
      assert.equal((await backend.list('f/')).length, 20000);
      assert.deepEqual(await backend.list('f/1999'), ['/', '0/', '1/', '2/', '3/', '4/', '5/', '6/', '7/', '8/', '9/']);
      assert.ok(performance.now() - started < 5_000);
    } finally {
      await client.end();
      await backend.close();
    }
  });

  it('keeps data across reopening (durable, not cached)', async () => {
    await database();
    const first = await PostgresBackend.open({ connectionUrl: dbUrl, table: 'reopen' });
    await first.batch([
      { type: 'put', key: 'a/b', value: new Uint8Array([1, 2]) },
      { type: 'put', key: 'a/c', value: new Uint8Array([3]) },
    ]);
    await first.close();
    const second = await PostgresBackend.open({ connectionUrl: dbUrl, table: 'reopen' });
    assert.deepEqual(await second.get('a/b'), new Uint8Array([1, 2]));
    assert.deepEqual(await second.list('a/'), ['b', 'c']);
    await second.close();
  });

  it('refuses a table name that is not a plain identifier', async () => {
    await assert.rejects(PostgresBackend.open({ connectionUrl: dbUrl, table: 'kv; drop table x' }), /plain SQL identifier/);
  });
});
