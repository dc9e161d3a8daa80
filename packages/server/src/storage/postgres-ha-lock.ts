import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { HaLock } from './storage-backend.js';
import { LeaseKeeper, sleep, type HaLockTiming } from './lease-keeper.js';

export type { HaLockTiming } from './lease-keeper.js';

/**
 * The PostgreSQL leader lock: one row `(name = 'leader', holder, node_id, advertise,
 * expires_at)` with a lease measured on the database's clock.
 *
 * Why a lease row rather than a session-level `pg_advisory_lock` on a dedicated connection: an
 * advisory lock lives as long as its TCP session, so a holder whose event loop is wedged, or
 * that sits behind a half-open connection, keeps the lock until TCP keepalives give up
 * (minutes to hours), and a holder cannot tell from its side when the server has dropped it. A
 * lease expires by itself once the holder stops renewing, however it died, and the holder knows
 * its own deadline: it gives up locally before the lease can run out on the server (see
 * {@link LeaseKeeper}). Expiry uses the database's `now()`, so node clocks need not agree.
 *
 * Acquiring is one `INSERT … ON CONFLICT DO UPDATE … WHERE expired OR mine`: atomic, and safe
 * when two nodes race (the row lock serialises them; the loser sees a live lease and no row).
 */
export class PostgresHaLock implements HaLock {
  private readonly timing: HaLockTiming;
  private keeper: LeaseKeeper | undefined;
  private holder: string | undefined;

  /**
   * @param pool  the lock's own pool (two connections, `query_timeout` about `renewMs`), so
   *              renewals never queue behind storage traffic or hang on a dead connection
   */
  constructor(
    private readonly pool: pg.Pool,
    private readonly table: string,
    timing: Partial<HaLockTiming> = {},
  ) {
    this.timing = { ttlMs: 10_000, renewMs: 3_000, retryMs: 2_000, ...timing };
  }

  async acquire(nodeId: string, advertise: string, signal: AbortSignal): Promise<{ lost: AbortSignal }> {
    if (this.keeper?.held) throw new Error('ha lock: already held by this node');
    const holder = randomUUID();
    for (;;) {
      signal.throwIfAborted();
      const started = performance.now();
      const won = await this.tryAcquire(holder, nodeId, advertise).catch(() => false);
      if (won && signal.aborted) {
        await this.pool.query(`DELETE FROM ${this.table} WHERE name = 'leader' AND holder = $1`, [holder]).catch(() => undefined);
      }
      signal.throwIfAborted();
      if (won) {
        this.holder = holder;
        this.keeper = new LeaseKeeper(this.timing, started, () => this.renew(holder));
        return { lost: this.keeper.lost };
      }
      await sleep(this.timing.retryMs, signal);
    }
  }

  async leader(): Promise<{ nodeId: string; advertise: string } | undefined> {
    const { rows } = await this.pool.query<{ node_id: string; advertise: string }>(
      `SELECT node_id, advertise FROM ${this.table} WHERE name = 'leader' AND expires_at > now()`,
    );
    const row = rows[0];
    return row && { nodeId: row.node_id, advertise: row.advertise };
  }

  /** Gives the lock up now, so another node takes over without waiting for the lease to expire. */
  async release(): Promise<void> {
    const holder = this.holder;
    this.keeper?.stop();
    this.keeper = undefined;
    this.holder = undefined;
    if (holder !== undefined) {
      await this.pool.query(`DELETE FROM ${this.table} WHERE name = 'leader' AND holder = $1`, [holder]).catch(() => undefined);
    }
  }

  /** Stops renewing without releasing, as a crash would; used by `close()`. */
  async abandon(): Promise<void> {
    this.keeper?.stop();
    this.keeper = undefined;
    this.holder = undefined;
    await this.pool.end().catch(() => undefined);
  }

  private async tryAcquire(holder: string, nodeId: string, advertise: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO ${this.table} AS l (name, holder, node_id, advertise, expires_at)
             VALUES ('leader', $1, $2, $3, now() + $4 * interval '1 millisecond')
             ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, node_id = EXCLUDED.node_id,
               advertise = EXCLUDED.advertise, expires_at = EXCLUDED.expires_at
             WHERE l.expires_at <= now() OR l.holder = EXCLUDED.holder`,
      [holder, nodeId, advertise, this.timing.ttlMs],
    );
    return rowCount === 1;
  }

  /** True if the lease was extended; false if another node holds the row now. */
  private async renew(holder: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE ${this.table} SET expires_at = now() + $2 * interval '1 millisecond' WHERE name = 'leader' AND holder = $1`,
      [holder, this.timing.ttlMs],
    );
    return rowCount === 1;
  }
}
