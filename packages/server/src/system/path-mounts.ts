import { randomUUID } from 'node:crypto';
import { invalidRequest } from '../errors.js';
import { definePath, type MountEntry, type PathSpec } from '../framework/engine.js';
import { parseDuration } from '../framework/duration.js';
import { isPlainObject } from '../framework/fields.js';
import { parseTokenTypeSetting, type TokenTypeSetting } from '../framework/token-type.js';
import { SYSTEM_MAX_TTL, withSlash, type MountTable } from '../router/mount-table.js';
import { mountInfo, tuneInfo } from './mount-info.js';

const mountFields = {
  type: { type: 'string', description: 'the engine or auth method type, e.g. `kv`, `userpass`' },
  description: { type: 'string', description: 'a human-friendly description' },
  config: { type: 'map', description: 'default_lease_ttl, max_lease_ttl, force_no_cache, listing_visibility, ...' },
  options: { type: 'map', description: 'engine options, e.g. {"version": "2"} for KV' },
  local: { type: 'bool', description: 'not replicated (accepted for compatibility)' },
  seal_wrap: { type: 'bool', description: 'accepted for compatibility' },
  plugin_version: { type: 'string', description: 'accepted for compatibility' },
  external_entropy_access: { type: 'bool', description: 'accepted for compatibility' },
} as const;

const tuneFields = {
  default_lease_ttl: { type: 'duration', description: 'default lease TTL' },
  max_lease_ttl: { type: 'duration', description: 'maximum lease TTL' },
  description: { type: 'string', description: 'a human-friendly description' },
  options: { type: 'map', description: 'engine options' },
  listing_visibility: { type: 'string', description: '`unauth` or `hidden`' },
  audit_non_hmac_request_keys: { type: 'strings', description: 'request keys audit devices log unhashed' },
  audit_non_hmac_response_keys: { type: 'strings', description: 'response keys audit devices log unhashed' },
  passthrough_request_headers: { type: 'strings', description: 'headers passed to the engine' },
  allowed_response_headers: { type: 'strings', description: 'headers the engine may set' },
  token_type: { type: 'string', description: 'auth mounts: `default-service`, `default-batch`, `service` or `batch`' },
  force_no_cache: { type: 'bool', description: 'accepted for compatibility' },
} as const;

/**
 * `sys/mounts`, `sys/auth`, their `tune` paths and `sys/remount` (spec §2.3). Auth mounts are the
 * same table under `auth/`; `sys/auth/userpass` names the mount `auth/userpass/`.
 */
export function mountPaths(mounts: () => MountTable): PathSpec<any>[] {
  const paths: PathSpec<any>[] = [];
  for (const kind of ['secrets', 'auth'] as const) {
    const base = kind === 'secrets' ? 'mounts' : 'auth';
    const full = (p: string) => (kind === 'auth' ? 'auth/' : '') + withSlash(p);
    const shown = (p: string) => (kind === 'auth' ? p.slice('auth/'.length) : p);
    paths.push(
      definePath({
        pattern: base,
        fields: {},
        authz: () => ({ action: 'read', resource: `sys/${base}` }),
        operations: {
          read: {
            summary: `list ${kind === 'auth' ? 'auth methods' : 'secrets engines'}`,
            handle: async () => ({
              data: Object.fromEntries(mounts().list(kind).map((e) => [shown(e.path), mountInfo(e)])),
              dataAtTopLevel: true,
            }),
          },
        },
        help: { synopsis: `List the mounted ${kind === 'auth' ? 'auth methods' : 'secrets engines'}.` },
      }),
      definePath({
        pattern: `${base}/:path+`,
        fields: { path: { type: 'string', description: 'the mount path', required: true }, ...mountFields },
        authz: (req) => ({
          action: req.operation === 'read' ? 'read' : kind === 'auth' ? 'sudo' : 'configure',
          resource: `sys/${base}/${req.data.path}`,
        }),
        operations: {
          read: {
            summary: 'read one mount',
            handle: async ({ data }) => {
              const m = mounts().get(full(data.path));
              if (!m || m.entry.kind !== kind) throw invalidRequest(`no mount at \`${withSlash(data.path)}\``);
              return { data: mountInfo(m.entry), dataAtTopLevel: true };
            },
          },
          update: {
            summary: 'enable a mount',
            handle: async ({ data }) => {
              if (!data.type) throw invalidRequest('missing required field `type`');
              let type = data.type;
              const options = stringMap('options', data.options);
              if (type === 'kv-v2') {
                type = 'kv';
                options['version'] = '2';
              }
              await mounts().mount(full(data.path), {
                type,
                ...(data.description !== undefined && { description: data.description }),
                config: mountConfig(data.config, { kind, type }),
                options,
                ...(data.local !== undefined && { local: data.local }),
                ...(data.seal_wrap !== undefined && { seal_wrap: data.seal_wrap }),
              });
              return undefined;
            },
          },
          delete: {
            summary: 'disable a mount and delete its data',
            handle: async ({ data }) => (await mounts().unmount(full(data.path)), undefined),
          },
        },
        help: { synopsis: `Enable, read or disable the ${kind === 'auth' ? 'auth method' : 'secrets engine'} at a path.` },
      }),
      definePath({
        pattern: `${base}/:path+/tune`,
        fields: { path: { type: 'string', description: 'the mount path', required: true }, ...tuneFields },
        authz: (req) => ({
          action: req.operation === 'read' ? 'read' : 'configure',
          resource: `sys/${base}/${req.data.path}`,
        }),
        operations: {
          read: {
            summary: 'read the tunable settings',
            handle: async ({ data }) => {
              const m = mounts().get(full(data.path));
              if (!m || m.entry.kind !== kind) throw invalidRequest(`cannot fetch sysview for path \`${withSlash(data.path)}\``);
              return { data: tuneInfo(m.entry, SYSTEM_MAX_TTL), dataAtTopLevel: true };
            },
          },
          update: {
            summary: 'tune a mount',
            handle: async ({ data }) => {
              const { path, description, options, token_type, ...config } = data;
              const m = mounts().get(full(path));
              await mounts().tune(full(path), {
                ...config,
                // An unknown mount is refused by tune() itself.
                ...(token_type !== undefined && m && { token_type: mountTokenType(m.entry, token_type) }),
                ...(description !== undefined && { description }),
                ...(options !== undefined && { options: stringMap('options', options) }),
              });
              return undefined;
            },
          },
        },
        help: { synopsis: 'Read or change the TTLs, description and options of a mount.' },
      }),
    );
  }
  paths.push(
    definePath({
      pattern: 'remount',
      fields: {
        from: { type: 'string', description: 'the current mount path', required: true },
        to: { type: 'string', description: 'the new mount path', required: true },
      },
      authz: (req) => ({ action: 'configure', resource: `sys/mounts/${req.data.from}` }),
      operations: {
        update: {
          summary: 'move a mount',
          handle: async ({ data }) => {
            await mounts().remount(data.from, data.to);
            const id = randomUUID();
            migrations.set(id, { source_mount: withSlash(data.from), target_mount: withSlash(data.to), status: 'success' });
            return { data: { migration_id: id }, dataAtTopLevel: true };
          },
        },
      },
      help: { synopsis: 'Move a secrets engine or auth method to a new path, keeping its data.' },
    }),
    definePath({
      pattern: 'remount/status/:migration_id',
      fields: { migration_id: { type: 'string', description: 'the id returned by sys/remount', required: true } },
      authz: () => ({ action: 'read', resource: 'sys/remount' }),
      operations: {
        read: {
          summary: 'status of a remount',
          handle: async ({ data }) => {
            const info = migrations.get(data.migration_id);
            if (!info) throw invalidRequest(`no migration with id \`${data.migration_id}\``);
            return { data: { migration_id: data.migration_id, migration_info: info } };
          },
        },
      },
      help: { synopsis: 'The status of a remount (moves complete synchronously).' },
    }),
  );
  return paths;
}

/** Remounts finish synchronously; their ids are kept so clients polling the status see success. */
const migrations = new Map<string, { source_mount: string; target_mount: string; status: string }>();

function stringMap(name: string, value: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value ?? {})) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'object') throw invalidRequest(`\`${name}.${k}\` must be a string`);
    out[k] = String(v);
  }
  return out;
}

/**
 * An auth mount's `token_type` (Vault's tune and enable config): the type of the tokens its
 * logins issue. The token store decides its own tokens' type, so Vault refuses it there.
 */
function mountTokenType(mount: Pick<MountEntry, 'kind' | 'type'>, value: unknown): TokenTypeSetting {
  if (mount.kind !== 'auth') throw invalidRequest('`token_type` can only be modified on auth mounts');
  if (mount.type === 'token') throw invalidRequest('`token_type` cannot be set for `token` auth mounts');
  if (typeof value !== 'string') throw invalidRequest('`token_type` must be a string');
  return parseTokenTypeSetting(value);
}

function mountConfig(config: Record<string, unknown> | undefined, mount: Pick<MountEntry, 'kind' | 'type'>) {
  if (config !== undefined && !isPlainObject(config)) throw invalidRequest('`config` must be an object');
  const ttl = (key: string): number | undefined => {
    const v = config?.[key];
    if (v === undefined || v === null || v === '') return undefined;
    const s = typeof v === 'number' || typeof v === 'string' ? parseDuration(v) : undefined;
    if (s === undefined || s < 0) throw invalidRequest(`\`config.${key}\` must be a duration`);
    return s;
  };
  const list = (key: string): string[] | undefined => {
    const v = config?.[key];
    return Array.isArray(v) ? v.map(String) : undefined;
  };
  const defaultTtl = ttl('default_lease_ttl');
  const maxTtl = ttl('max_lease_ttl');
  const visibility = config?.['listing_visibility'];
  const tokenType = config?.['token_type'];
  return {
    ...(tokenType !== undefined && tokenType !== null && tokenType !== '' && { token_type: mountTokenType(mount, tokenType) }),
    ...(defaultTtl !== undefined && { default_lease_ttl: defaultTtl }),
    ...(maxTtl !== undefined && { max_lease_ttl: maxTtl }),
    ...(typeof visibility === 'string' && { listing_visibility: visibility }),
    ...(list('audit_non_hmac_request_keys') && { audit_non_hmac_request_keys: list('audit_non_hmac_request_keys')! }),
    ...(list('audit_non_hmac_response_keys') && { audit_non_hmac_response_keys: list('audit_non_hmac_response_keys')! }),
    ...(list('passthrough_request_headers') && { passthrough_request_headers: list('passthrough_request_headers')! }),
    ...(list('allowed_response_headers') && { allowed_response_headers: list('allowed_response_headers')! }),
  };
}
