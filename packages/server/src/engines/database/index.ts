import type { EngineContext, EngineFactory, EngineSpec } from '../../framework/engine.js';
import type { PasswordSource } from '../../password-policies/password-policy-store.js';
import { Connections } from './connections.js';
import { CREDS, credsLeaseHandlers } from './dynamic-creds.js';
import { pathConfig, pathConfigList, pathReset, pathRotateRoot } from './path-config.js';
import { pathCreds } from './path-creds.js';
import { pathRoleList, pathRoles } from './path-roles.js';
import { pathRotateRole, pathStaticCreds, pathStaticRoleList, pathStaticRoles } from './path-static-roles.js';
import { Records } from './records.js';
import { StaticRotation } from './static-rotation.js';

/**
 * The database secrets engine (mount type `database`): dynamic users with leases and static
 * roles with rotated passwords, for PostgreSQL and MySQL/MariaDB
 * (https://developer.hashicorp.com/vault/api-docs/secret/databases, spec §2.11).
 *
 * Pools are opened per connection on first use and closed on unmount and seal (`close`), which
 * also drops the cached connection and role records (`Records`, `RecordCache`);
 * user DDL is serialised per connection (see `Connections`). Static roles rotate from
 * `periodic()`, which the scheduler calls once a minute on the active node.
 *
 * Passwords come from `passwords`: the named policies of `sys/policies/password` (the composition
 * root hands in the system's store, as Vault hands plugins its system view), or the default.
 */
export function databaseEngine(passwords: PasswordSource): EngineFactory {
  return async (ctx: EngineContext): Promise<EngineSpec> => {
    const conns = new Connections(new Records(ctx.storage), ctx.log);
    const rotation = new StaticRotation(conns, passwords, ctx.clock, ctx.log);
    return {
      kind: 'secrets',
      paths: [
        pathConfigList(conns),
        pathConfig(conns, ctx.log),
        pathReset(conns),
        pathRotateRoot(conns, passwords),
        pathRoleList(conns.records),
        pathRoles(conns.records),
        pathCreds(conns, passwords, ctx.clock),
        pathStaticRoleList(conns),
        pathStaticRoles(conns, rotation, ctx.clock),
        pathStaticCreds(conns, ctx.clock),
        pathRotateRole(rotation),
      ],
      leases: { [CREDS]: credsLeaseHandlers(conns, ctx.clock, ctx.log) },
      periodic: async () => {
        await rotation.rotateDue();
      },
      close: () => conns.closeAll(),
    };
  };
}
