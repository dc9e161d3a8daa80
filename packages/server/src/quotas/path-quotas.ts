import { invalidRequest, VaultError } from '../errors.js';
import { definePath, type PathSpec } from '../framework/engine.js';
import type { FieldValues } from '../framework/fields.js';
import type { MountTable } from '../router/mount-table.js';
import { trimSlashes } from './quota-index.js';
import type { QuotaTable } from './quota-table.js';
import { describeQuota, type RateLimitQuota } from './rate-limit-quota.js';

const quotaFields = {
  name: { type: 'string', description: 'the quota name', required: true },
  path: {
    type: 'string',
    description: 'empty (global), a mount (`secret/`), or a path in a mount (`secret/data/app`, `secret/data/app*`)',
  },
  rate: { type: 'any', description: 'requests allowed per interval; a number greater than 0' },
  interval: { type: 'duration', description: 'the interval `rate` counts over (default 1s)' },
  block_interval: { type: 'duration', description: 'once a client exceeds the rate, refuse it for this long' },
  role: { type: 'string', description: 'login role quotas (not supported)' },
  inheritable: { type: 'bool', description: 'accepted and echoed; meaningful only with namespaces' },
  type: { type: 'string', description: 'ignored (Vault sends `rate-limit`)' },
} as const;

const configFields = {
  rate_limit_exempt_paths: { type: 'strings', description: 'path prefixes no rate-limit quota applies to' },
  enable_rate_limit_audit_logging: { type: 'bool', description: 'audit the requests quotas refuse' },
  enable_rate_limit_response_headers: { type: 'bool', description: 'send X-Ratelimit-* and Retry-After headers' },
} as const;

/** Vault's GenericNameRegex: a name is also a storage key. */
const NAME = /^\w(?:[\w.-]*\w)?$/;

const notFound = () => new VaultError('not_found', '');

/**
 * `sys/quotas/rate-limit[/:name]` and `sys/quotas/config` (spec §2.8; Vault's
 * api-docs/system/rate-limit-quotas and quotas-config). Patterns are relative to `sys/`.
 */
export function quotaPaths(table: QuotaTable, mounts: () => MountTable): PathSpec<any>[] {
  return [
    definePath({
      pattern: 'quotas/rate-limit',
      fields: {},
      authz: () => ({ action: 'list', resource: 'sys/quotas/rate-limit' }),
      operations: {
        list: {
          summary: 'list the rate-limit quotas',
          handle: async () => {
            const keys = table.names();
            if (keys.length === 0) throw notFound();
            return { data: { keys } };
          },
        },
      },
      help: { synopsis: 'List the rate-limit quotas.' },
    }),
    definePath({
      pattern: 'quotas/rate-limit/:name',
      fields: quotaFields,
      authz: (req) => ({ action: req.operation, resource: `sys/quotas/rate-limit/${req.data.name}` }),
      exists: async (req) => table.get(req.data.name) !== undefined,
      operations: {
        read: {
          summary: 'read a rate-limit quota',
          handle: async ({ data }) => {
            const quota = table.get(data.name);
            if (quota === undefined) throw notFound();
            return { data: describeQuota(quota) };
          },
        },
        create: {
          summary: 'create a rate-limit quota',
          handle: async ({ data }) => (await table.put(quotaOf(data, undefined, mounts)), undefined),
        },
        update: {
          summary: 'update a rate-limit quota',
          handle: async ({ data }) => (await table.put(quotaOf(data, table.get(data.name), mounts)), undefined),
        },
        delete: { summary: 'delete a rate-limit quota', handle: async ({ data }) => (await table.remove(data.name), undefined) },
      },
      help: {
        synopsis: 'Create, read, update or delete a rate-limit quota.',
        description: 'Limits requests per client address under a path; the most specific quota applies. Over the limit: 429.',
      },
    }),
    definePath({
      pattern: 'quotas/config',
      fields: configFields,
      authz: (req) => ({ action: req.operation === 'read' ? 'read' : 'update', resource: 'sys/quotas/config' }),
      operations: {
        read: { summary: 'read the quota configuration', handle: async () => ({ data: { ...table.getConfig() } }) },
        update: {
          summary: 'configure rate-limit quotas',
          handle: async ({ data }) => {
            // A field left out keeps its value. Vault resets it instead, and a partial update
            // would then drop the default exemptions of sys/unseal and sys/health.
            const current = table.getConfig();
            await table.setConfig({
              rate_limit_exempt_paths: data.rate_limit_exempt_paths ?? current.rate_limit_exempt_paths,
              enable_rate_limit_audit_logging: data.enable_rate_limit_audit_logging ?? current.enable_rate_limit_audit_logging,
              enable_rate_limit_response_headers: data.enable_rate_limit_response_headers ?? current.enable_rate_limit_response_headers,
            });
            return undefined;
          },
        },
      },
      help: { synopsis: 'Exempt paths, audit logging of refusals, and rate-limit response headers.' },
    }),
  ];
}

type QuotaInput = FieldValues<typeof quotaFields>;

/** The quota a write describes; on update, fields left out keep their current values. */
function quotaOf(data: QuotaInput, current: RateLimitQuota | undefined, mounts: () => MountTable): RateLimitQuota {
  if (!NAME.test(data.name)) throw invalidRequest(`invalid quota name \`${data.name}\``);
  if (data.role) throw invalidRequest('role-based quotas are not supported: leave `role` empty');
  const rate = data.rate === undefined ? current?.rate : rateOf(data.rate);
  if (rate === undefined) throw invalidRequest('missing required field `rate`');
  const target = data.path === undefined && current ? current : targetOf(data.path ?? '', mounts);
  return {
    name: data.name,
    mount_path: target.mount_path,
    path_suffix: target.path_suffix,
    rate,
    // Vault's default, also for `0`; whole seconds, as Vault stores them.
    interval: data.interval || current?.interval || 1,
    block_interval: data.block_interval ?? current?.block_interval ?? 0,
    role: '',
    // Vault makes a global quota inheritable unless told otherwise.
    inheritable: data.inheritable ?? current?.inheritable ?? target.mount_path === '',
  };
}

/** Vault's `rate` is a float: a JSON number or its text. */
function rateOf(raw: unknown): number {
  const rate = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (!Number.isFinite(rate) || rate <= 0) throw invalidRequest('`rate` must be a number greater than 0');
  return rate;
}

/**
 * Splits `path` as Vault does: the mount it falls in, and what follows (a `*` may end it, for
 * a prefix). A path in no mount is refused, so a typo cannot create a quota that never applies.
 */
function targetOf(path: string, mounts: () => MountTable): Pick<RateLimitQuota, 'mount_path' | 'path_suffix'> {
  const trimmed = trimSlashes(path);
  if (trimmed === '') return { mount_path: '', path_suffix: '' };
  if (trimmed.slice(0, -1).includes('*')) throw invalidRequest(`invalid path \`${path}\`: \`*\` may only end it`);
  const withSlash = `${trimmed}/`;
  const mount = withSlash.startsWith('sys/') ? 'sys/' : mounts().match(withSlash)?.mounted.entry.path;
  if (mount === undefined) throw invalidRequest(`invalid mount path \`${trimmed}\``);
  return { mount_path: mount, path_suffix: trimSlashes(withSlash.slice(mount.length)) };
}
