import { invalidRequest, VaultError } from '../../errors.js';
import type { Clock } from '../../framework/engine.js';
import { definePath } from '../../framework/engine.js';
import { roleResource } from './cedar-resource.js';
import type { Connections } from './connections.js';
import { credentialConfigField, credentialConfigResponse, passwordPolicyFrom } from './credential-config.js';
import { roleAllowed, type StaticRoleRecord } from './records.js';
import { nextRotation, parseSchedule, type StaticRotation } from './static-rotation.js';
import { statementList, statementsField } from './statements-field.js';

/**
 * `static-roles/:name`, `static-roles` (LIST), `static-creds/:name`, `rotate-role/:name`
 * (https://developer.hashicorp.com/vault/api-docs/secret/databases#create-static-role).
 * Creating a static role rotates its password at once (and is refused if that fails);
 * the username cannot change afterwards.
 */
const MIN_PERIOD = 5;
const MIN_WINDOW = 3600;

export function pathStaticRoles(conns: Connections, rotation: StaticRotation, clock: Clock) {
  const records = conns.records;
  return definePath({
    pattern: 'static-roles/:name',
    fields: {
      name: { type: 'string', description: 'Name of the static role.', required: true },
      username: { type: 'string', description: 'The existing database user whose password is managed.' },
      db_name: { type: 'string', description: 'The connection this role uses.' },
      rotation_period: { type: 'duration', description: 'Rotate this often (at least 5s); excludes rotation_schedule.' },
      rotation_schedule: { type: 'string', description: '5-field cron schedule (UTC); excludes rotation_period.' },
      rotation_window: { type: 'duration', description: 'How long after a scheduled time rotation may still run (at least 1h).' },
      rotation_statements: statementsField('Statements that set the password: `{{name}}`, `{{password}}`.'),
      credential_type: { type: 'string', description: 'Only `password` is supported.', allowed: ['password'] },
      credential_config: credentialConfigField,
    },
    authz: (req) => ({
      action: req.operation === 'read' ? 'read' : req.operation === 'delete' ? 'delete' : 'configure',
      resource: roleResource(req.mount, req.data.name),
    }),
    exists: async (req) => (await records.staticRole(req.data.name)) !== undefined,
    operations: {
      read: {
        summary: 'Read a static role.',
        async handle(req) {
          const role = await records.staticRole(req.data.name);
          if (!role) throw new VaultError('not_found', '');
          return {
            data: {
              username: role.username,
              db_name: role.db_name,
              rotation_statements: role.rotation_statements,
              ...rotationFields(role),
              last_vault_rotation: new Date(role.last_vault_rotation).toISOString(),
              credential_type: 'password',
              ...credentialConfigResponse(role.password_policy),
            },
          };
        },
      },
      update: {
        summary: 'Create or update a static role.',
        async handle(req) {
          const d = req.data;
          const existing = await records.staticRole(d.name);
          if (existing && d.username !== undefined && d.username !== existing.username) {
            throw invalidRequest('cannot update static role `username`');
          }
          const periodGiven = d.rotation_period !== undefined && d.rotation_period > 0;
          const scheduleGiven = d.rotation_schedule !== undefined && d.rotation_schedule !== '';
          if (periodGiven && scheduleGiven) throw invalidRequest('mutually exclusive fields provided: `rotation_period`, `rotation_schedule`');
          const role: StaticRoleRecord = {
            username: d.username ?? existing?.username ?? '',
            db_name: d.db_name ?? existing?.db_name ?? '',
            rotation_period: periodGiven ? d.rotation_period! : scheduleGiven ? 0 : (existing?.rotation_period ?? 0),
            rotation_schedule: scheduleGiven ? d.rotation_schedule! : periodGiven ? '' : (existing?.rotation_schedule ?? ''),
            rotation_window: d.rotation_window ?? existing?.rotation_window ?? 0,
            rotation_statements: statementList(req.raw['rotation_statements'], 'rotation_statements') ?? existing?.rotation_statements ?? [],
            password: existing?.password ?? '',
            last_vault_rotation: existing?.last_vault_rotation ?? 0,
            next_rotation: existing?.next_rotation ?? 0,
            password_policy: passwordPolicyFrom(req.raw['credential_config']) ?? existing?.password_policy ?? '',
          };
          if (role.username === '') throw invalidRequest('`username` must be provided');
          if (role.db_name === '') throw invalidRequest('`db_name` must be provided');
          if (role.rotation_period === 0 && role.rotation_schedule === '') {
            throw invalidRequest('one of `rotation_period` or `rotation_schedule` must be provided');
          }
          if (role.rotation_period > 0 && role.rotation_period < MIN_PERIOD) throw invalidRequest(`\`rotation_period\` must be ${MIN_PERIOD} seconds or more`);
          if (role.rotation_schedule) parseSchedule(role.rotation_schedule);
          if (role.rotation_window > 0 && !role.rotation_schedule) throw invalidRequest('`rotation_window` requires `rotation_schedule`');
          if (role.rotation_window > 0 && role.rotation_window < MIN_WINDOW) throw invalidRequest('`rotation_window` must be 3600 seconds or more');
          const config = await conns.config(role.db_name);
          if (!roleAllowed(config.allowed_roles, d.name)) throw invalidRequest(`\`${d.name}\` is not an allowed role for database \`${role.db_name}\``);
          if (!existing) {
            // Vault rotates a new static role at once: the role exists only with a known password.
            await rotation.rotate(d.name, { role });
            return undefined;
          }
          const changed = role.rotation_period !== existing.rotation_period || role.rotation_schedule !== existing.rotation_schedule;
          if (changed) role.next_rotation = nextRotation(role, role.last_vault_rotation || clock.now());
          await records.putStaticRole(d.name, role);
          return undefined;
        },
      },
      delete: {
        summary: 'Delete a static role (the database user and its current password stay).',
        async handle(req) {
          await records.deleteStaticRole(req.data.name);
          return undefined;
        },
      },
    },
    help: { synopsis: 'Manage roles whose existing database user has its password rotated by the engine.' },
  });
}

function rotationFields(role: StaticRoleRecord) {
  return role.rotation_schedule
    ? { rotation_schedule: role.rotation_schedule, ...(role.rotation_window > 0 && { rotation_window: role.rotation_window }) }
    : { rotation_period: role.rotation_period };
}

export function pathStaticRoleList(conns: Connections) {
  return definePath({
    pattern: 'static-roles',
    fields: {},
    authz: (req) => ({ action: 'list', resource: roleResource(req.mount) }),
    operations: {
      list: { summary: 'List static roles.', handle: async () => ({ data: { keys: await conns.records.staticRoles() } }) },
    },
    help: { synopsis: 'List the static roles.' },
  });
}

export function pathStaticCreds(conns: Connections, clock: Clock) {
  return definePath({
    pattern: 'static-creds/:name',
    fields: { name: { type: 'string', description: 'Name of the static role.', required: true } },
    authz: (req) => ({ action: 'read', resource: roleResource(req.mount, req.data.name) }),
    operations: {
      read: {
        summary: "Read a static role's current password.",
        async handle(req) {
          const role = await conns.records.staticRole(req.data.name);
          if (!role) throw invalidRequest(`unknown static role \`${req.data.name}\``);
          return {
            data: {
              username: role.username,
              password: role.password,
              last_vault_rotation: new Date(role.last_vault_rotation).toISOString(),
              ...rotationFields(role),
              ttl: Math.max(0, Math.floor((role.next_rotation - clock.now()) / 1000)),
            },
          };
        },
      },
    },
    help: { synopsis: "Read a static role's credentials (no lease: the password changes on rotation)." },
  });
}

export function pathRotateRole(rotation: StaticRotation) {
  return definePath({
    pattern: 'rotate-role/:name',
    fields: { name: { type: 'string', description: 'Name of the static role.', required: true } },
    authz: (req) => ({ action: 'rotate', resource: roleResource(req.mount, req.data.name) }),
    operations: {
      update: {
        summary: "Rotate a static role's password now.",
        async handle(req) {
          await rotation.rotate(req.data.name);
          return undefined;
        },
      },
    },
    help: { synopsis: "Rotate a static role's password now; the schedule continues from this rotation." },
  });
}
