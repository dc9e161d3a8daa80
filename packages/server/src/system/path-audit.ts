import type { AuditBroker } from '../audit/audit-broker.js';
import type { AuditQuery } from '../audit/audit-device.js';
import { invalidRequest } from '../errors.js';
import { parseDuration } from '../framework/duration.js';
import { definePath, type Clock, type PathSpec } from '../framework/engine.js';
import { isPlainObject } from '../framework/fields.js';

const queryFields = {
  name: { type: 'string', description: 'the audit device (a database device)', required: true },
  path: { type: 'string', description: 'request path prefix, e.g. `secret/data/database/prod`' },
  principal: { type: 'string', description: 'Cedar principal as logged, e.g. `User::"alice"`' },
  operation: { type: 'string', description: 'read, create, update, patch, delete or list' },
  decision: { type: 'string', description: '`allow` or `deny`', allowed: ['allow', 'deny'] },
  type: { type: 'string', description: '`request` or `response`', allowed: ['request', 'response'] },
  since: { type: 'string', description: 'RFC 3339 time, or a duration back from now (`30d`)' },
  until: { type: 'string', description: 'RFC 3339 time, or a duration back from now (exclusive)' },
  limit: { type: 'int', description: 'entries per page (1–1000)', default: 100 },
  after: { type: 'string', description: 'the `next_cursor` of the previous page' },
} as const;

/**
 * `sys/audit`, `sys/audit/:path`, `sys/audit-hash/:path` (spec §2.5) and the tamper-evidence
 * and access-history additions `sys/audit/:name/public-key` and `sys/audit/:name/query`.
 */
export function auditPaths(audit: AuditBroker, clock: Clock): PathSpec<any>[] {
  return [
    definePath({
      pattern: 'audit',
      fields: {},
      authz: () => ({ action: 'sudo', resource: 'sys/audit' }),
      operations: {
        read: {
          summary: 'list the enabled audit devices',
          handle: async () => ({ data: audit.list() as Record<string, unknown>, dataAtTopLevel: true }),
        },
      },
      help: { synopsis: 'List the enabled audit devices.' },
    }),
    definePath({
      pattern: 'audit/:path',
      fields: {
        path: { type: 'string', description: 'the device name', required: true },
        type: { type: 'string', description: '`file`, `syslog` or `database`' },
        description: { type: 'string', description: 'a human-friendly description' },
        options: { type: 'map', description: 'device options (file_path, mode, address, connection_url, hmac_accessor, log_raw, skip_test, …)' },
        local: { type: 'bool', description: 'accepted for compatibility' },
      },
      authz: (req) => ({ action: 'sudo', resource: `sys/audit/${req.data.path}` }),
      operations: {
        update: {
          summary: 'enable an audit device',
          handle: async ({ data }) => {
            if (!data.type) throw invalidRequest('missing required field `type`');
            await audit.enable(data.path, {
              type: data.type,
              ...(data.description !== undefined && { description: data.description }),
              options: stringOptions(data.options),
              ...(data.local !== undefined && { local: data.local }),
            });
            return undefined;
          },
        },
        delete: {
          summary: 'disable an audit device; its salt is deleted',
          handle: async ({ data }) => (await audit.disable(data.path), undefined),
        },
      },
      help: { synopsis: 'Enable or disable an audit device.' },
    }),
    definePath({
      pattern: 'audit-hash/:path',
      fields: {
        path: { type: 'string', description: 'the device name', required: true },
        input: { type: 'string', description: 'the value to hash', required: true, sensitive: true },
      },
      authz: (req) => ({ action: 'update', resource: `sys/audit-hash/${req.data.path}` }),
      operations: {
        update: {
          summary: 'hash a value with the device’s salt',
          handle: async ({ data }) => ({ data: { hash: audit.hash(data.path, data.input) }, dataAtTopLevel: true }),
        },
      },
      help: { synopsis: 'Reproduce the HMAC an audit device writes for a value.' },
    }),
    definePath({
      pattern: 'audit/:name/public-key',
      fields: { name: { type: 'string', description: 'the device name', required: true } },
      authz: (req) => ({ action: 'read', resource: `sys/audit/${req.data.name}/public-key` }),
      operations: {
        read: {
          summary: 'the ed25519 key that verifies the device’s checkpoints',
          handle: async ({ data }) => ({ data: { public_key: audit.publicKey(data.name), algorithm: 'ed25519' } }),
        },
      },
      help: { synopsis: 'The public key for `secretum audit verify --public-key`.' },
    }),
    definePath({
      pattern: 'audit/:name/query',
      fields: queryFields,
      authz: (req) => ({ action: 'read', resource: `sys/audit/${req.data.name}/query` }),
      operations: {
        read: { summary: 'query access history', handle: async ({ data }) => runQuery(audit, clock, data) },
        update: { summary: 'query access history', handle: async ({ data }) => runQuery(audit, clock, data) },
      },
      help: { synopsis: 'Who accessed which path, when, and under which Cedar decision (database devices).' },
    }),
  ];
}

async function runQuery(audit: AuditBroker, clock: Clock, data: Record<string, unknown>) {
  const limit = data['limit'] as number;
  if (limit < 1 || limit > 1000) throw invalidRequest('`limit` must be between 1 and 1000');
  const str = (k: string) => (typeof data[k] === 'string' && data[k] !== '' ? (data[k] as string) : undefined);
  const since = str('since');
  const until = str('until');
  const q: AuditQuery = {
    limit,
    ...(str('path') && { pathPrefix: str('path')! }),
    ...(str('principal') && { principal: str('principal')! }),
    ...(str('operation') && { operation: str('operation')! }),
    ...(str('decision') && { decision: str('decision') as 'allow' | 'deny' }),
    ...(str('type') && { type: str('type') as 'request' | 'response' }),
    ...(since && { since: toTime('since', since, clock) }),
    ...(until && { until: toTime('until', until, clock) }),
    ...(str('after') && { after: str('after')! }),
  };
  if (q.after !== undefined && !/^\d+$/.test(q.after)) throw invalidRequest('`after` is not a cursor from this device');
  const page = await audit.query(data['name'] as string, q);
  return { data: { entries: page.entries, next_cursor: page.nextCursor ?? null } };
}

function toTime(field: string, value: string, clock: Clock): string {
  const seconds = /^\d+(\.\d+)?(ms|s|m|h|d)/.test(value) ? parseDuration(value) : undefined;
  if (seconds !== undefined) return new Date(clock.now() - seconds * 1000).toISOString();
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw invalidRequest(`\`${field}\` must be an RFC 3339 time or a duration like \`30d\``);
  return new Date(t).toISOString();
}

function stringOptions(options: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (options === undefined) return out;
  if (!isPlainObject(options)) throw invalidRequest('`options` must be an object');
  for (const [k, v] of Object.entries(options)) if (v !== null && v !== undefined) out[k] = String(v);
  return out;
}
