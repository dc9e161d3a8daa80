import { Cron } from 'croner';
import { invalidRequest, VaultError } from '../../errors.js';
import type { Clock, Logger } from '../../framework/engine.js';
import type { PasswordSource } from '../../password-policies/password-policy-store.js';
import { type Connections, databaseFailure } from './connections.js';
import type { StaticRoleRecord } from './records.js';
import { renderStatements } from './sql-template.js';

/**
 * Static-role password rotation: on creation, on `rotate-role`, and when due — every
 * `rotation_period`, or at each `rotation_schedule` (5-field cron) time, within
 * `rotation_window` of it when one is set
 * (https://developer.hashicorp.com/vault/api-docs/secret/databases#create-static-role).
 * The engine's `periodic()` (once a minute on the active node) calls `rotateDue`.
 */
export function parseSchedule(schedule: string): Cron {
  if (schedule.trim().split(/\s+/).length !== 5) throw invalidRequest('`rotation_schedule` must be a 5-field cron expression');
  try {
    return new Cron(schedule, { paused: true, timezone: 'UTC' });
  } catch {
    throw invalidRequest(`invalid \`rotation_schedule\` \`${schedule}\``);
  }
}

/** When the role next rotates, counted from `fromMs`. */
export function nextRotation(role: Pick<StaticRoleRecord, 'rotation_period' | 'rotation_schedule'>, fromMs: number): number {
  if (role.rotation_schedule) return parseSchedule(role.rotation_schedule).nextRun(new Date(fromMs))?.getTime() ?? Infinity;
  return fromMs + role.rotation_period * 1000;
}

export class StaticRotation {
  constructor(
    private readonly conns: Connections,
    private readonly passwords: PasswordSource,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /**
   * Sets a new password on the database user and stores it. With `ifDue`, only when the role is
   * due (checked again under the database's DDL lock, so a manual rotation is not doubled).
   * Returns the stored record, or undefined when nothing was due.
   */
  async rotate(name: string, opts: { ifDue?: boolean; role?: StaticRoleRecord } = {}): Promise<StaticRoleRecord | undefined> {
    const records = this.conns.records;
    const first = opts.role ?? (await records.staticRole(name));
    if (!first) throw invalidRequest(`unknown static role \`${name}\``);
    return this.conns.ddl.run(first.db_name, async () => {
      const stored = await records.staticRole(name);
      const role = opts.role ?? stored;
      if (!role) throw invalidRequest(`unknown static role \`${name}\``);
      const now = this.clock.now();
      if (opts.ifDue) {
        if (now < role.next_rotation) return undefined;
        // Missed the window (server down, database unreachable): wait for the next scheduled time.
        if (role.rotation_schedule && role.rotation_window > 0 && now > role.next_rotation + role.rotation_window * 1000) {
          const skipped = { ...role, next_rotation: nextRotation(role, now) };
          await records.putStaticRole(name, skipped);
          return undefined;
        }
      }
      let conn;
      try {
        conn = await this.conns.get(role.db_name);
      } catch (err) {
        throw databaseFailure('unable to connect to the database', err);
      }
      // The role's credential_config policy, else the connection's, else the default (as Vault).
      const password = await this.passwords.generate(role.password_policy || (await this.conns.config(role.db_name)).password_policy);
      const templates = role.rotation_statements.length > 0 ? role.rotation_statements : conn.plugin.defaultRotationStatements;
      const statements = renderStatements(templates, { name: role.username, username: role.username, password }, conn.plugin.lexicon);
      // INVARIANT: the new password is in storage before the database accepts it.
      await records.putStaticRole(name, { ...role, pending_password: password });
      try {
        await conn.pool.execute(statements);
      } catch (err) {
        // Back to what was stored before (nothing, for a role being created).
        if (stored) await records.putStaticRole(name, stored);
        else await records.deleteStaticRole(name);
        throw databaseFailure(`unable to rotate the password of static role \`${name}\``, err);
      }
      const { pending_password: _p, ...rest } = role;
      const rotated: StaticRoleRecord = { ...rest, password, last_vault_rotation: now, next_rotation: nextRotation(role, now) };
      await records.putStaticRole(name, rotated);
      return rotated;
    });
  }

  /** Rotates every static role that is due; one failure is logged and does not stop the others. */
  async rotateDue(): Promise<string[]> {
    const rotated: string[] = [];
    for (const name of await this.conns.records.staticRoles()) {
      try {
        if (await this.rotate(name, { ifDue: true })) rotated.push(name);
      } catch (err) {
        this.log.warn('static role rotation failed; retried at the next run', {
          role: name,
          error: err instanceof VaultError || err instanceof Error ? err.message : String(err),
        });
      }
    }
    return rotated;
  }
}
