import pg from 'pg';
import type { ChainRecord } from './chained-writer.js';
import type { AuditQuery, AuditQueryPage, DeviceSink } from './audit-device.js';

/**
 * The `database` device's output: a PostgreSQL table, one row per line, written in batches
 * (one INSERT … SELECT FROM unnest(…) per group commit), with the exact line kept in `entry`
 * so the hash chain still verifies. Indexed by time, path and principal for access history.
 */
export class DatabaseSink implements DeviceSink {
  private pool: pg.Pool | undefined;
  private readonly table: string;

  constructor(
    private readonly connectionUrl: string,
    private readonly device: string,
    table: string,
  ) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(table)) throw new Error(`audit table \`${table}\` is not a plain identifier`);
    this.table = table;
  }

  async open(): Promise<Record<string, unknown>> {
    const pool = new pg.Pool({ connectionString: this.connectionUrl, max: 2 });
    pool.on('error', () => {}); // an idle client's error surfaces on the next query
    const t = this.table;
    try {
      await pool.query(`CREATE TABLE IF NOT EXISTS ${t} (
        id bigserial PRIMARY KEY,
        device text NOT NULL,
        seq bigint NOT NULL,
        time timestamptz,
        type text NOT NULL,
        request_id text,
        operation text,
        path text,
        resource text,
        principal text,
        decision text,
        status integer,
        entry text NOT NULL)`);
      await pool.query(`CREATE INDEX IF NOT EXISTS ${t}_time ON ${t} (time)`);
      await pool.query(`CREATE INDEX IF NOT EXISTS ${t}_path ON ${t} (path text_pattern_ops)`);
      await pool.query(`CREATE INDEX IF NOT EXISTS ${t}_resource ON ${t} (resource text_pattern_ops)`);
      await pool.query(`CREATE INDEX IF NOT EXISTS ${t}_principal ON ${t} (principal)`);
    } catch (err) {
      await pool.end();
      throw err;
    }
    this.pool = pool;
    return {};
  }

  async write(records: readonly ChainRecord[]): Promise<void> {
    const pool = this.pool;
    if (!pool) throw new Error('audit database is closed');
    const col = <T>(f: (r: ChainRecord) => T) => records.map(f);
    await pool.query(
      `INSERT INTO ${this.table} (device, seq, time, type, request_id, operation, path, resource, principal, decision, status, entry)
       SELECT $1, * FROM unnest($2::bigint[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::int[], $12::text[])`,
      [
        this.device,
        col((r) => r.seq),
        col((r) => r.meta?.time ?? new Date().toISOString()),
        col((r) => r.meta?.type ?? 'checkpoint'),
        col((r) => r.meta?.requestId ?? null),
        col((r) => r.meta?.operation ?? null),
        col((r) => r.meta?.path ?? null),
        col((r) => r.meta?.resource || null),
        col((r) => r.meta?.principal || null),
        col((r) => r.meta?.decision || null),
        col((r) => r.meta?.status ?? null),
        col((r) => r.line),
      ],
    );
  }

  async query(q: AuditQuery): Promise<AuditQueryPage> {
    const pool = this.pool;
    if (!pool) throw new Error('audit database is closed');
    const where: string[] = ['device = $1', "type <> 'checkpoint'"];
    const args: unknown[] = [this.device];
    const add = (sql: string, value: unknown) => {
      args.push(value);
      where.push(sql.replace('?', `$${args.length}`));
    };
    if (q.pathPrefix) {
      // Either the request path (`secret/data/db/prod/x`) or the Cedar resource (`secret/db/prod/x`).
      args.push(q.pathPrefix.replace(/[\\%_]/g, (c) => '\\' + c) + '%');
      where.push(`(path LIKE $${args.length} OR resource LIKE $${args.length})`);
    }
    if (q.principal) add('principal = ?', q.principal);
    if (q.operation) add('operation = ?', q.operation);
    if (q.decision) add('decision = ?', q.decision);
    if (q.type) add('type = ?', q.type);
    if (q.since) add('time >= ?', q.since);
    if (q.until) add('time < ?', q.until);
    if (q.after) add('id > ?', q.after);
    args.push(q.limit + 1);
    const { rows } = await pool.query<{ id: string; entry: string }>(
      `SELECT id, entry FROM ${this.table} WHERE ${where.join(' AND ')} ORDER BY id LIMIT $${args.length}`,
      args,
    );
    const page = rows.slice(0, q.limit);
    return {
      entries: page.map((r) => JSON.parse(r.entry) as Record<string, unknown>),
      ...(rows.length > q.limit && { nextCursor: page[page.length - 1]!.id }),
    };
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end();
  }
}
