import { definePath, type Action, type EngineResponse, type Operation } from '../../framework/engine.js';
import { parseDuration } from '../../framework/duration.js';
import { invalidRequest } from '../../errors.js';
import type { StorageView } from '../../storage/storage-view.js';
import { listPrefix, noSecret, secretResource, writablePath } from './kv-context.js';

/**
 * A KV v1 read answer. `leaseDuration` is Vault's advisory `lease_duration` (seconds): the
 * secret's `ttl` key, else the mount's default lease TTL (0 = the system default). No lease
 * is created. Pending `EngineResponse.leaseDuration` in framework/engine.ts.
 */
export type KvV1Response = EngineResponse & { leaseDuration?: number };

const ACTIONS: Record<Operation, Action> = {
  read: 'read',
  list: 'list',
  create: 'create',
  update: 'update',
  patch: 'patch',
  delete: 'delete',
};

/** The advisory TTL of a stored secret: its `ttl` (or legacy `lease`) key when it parses. */
function advisoryTtl(data: Record<string, unknown>): number | undefined {
  const raw = data['ttl'] ?? data['lease'];
  if (typeof raw !== 'string' && typeof raw !== 'number') return undefined;
  const seconds = parseDuration(raw);
  return seconds !== undefined && seconds >= 0 ? seconds : undefined;
}

/**
 * KV v1 (`<mount>/:path*`): one unversioned JSON object per path, stored as written under the
 * path itself in the mount's view (values encrypted by the barrier, paths visible as in Vault).
 * See https://developer.hashicorp.com/vault/api-docs/secret/kv/kv-v1.
 */
export const pathKvV1 = () =>
  definePath({
    pattern: ':path*',
    fields: {
      path: { type: 'string', required: true, description: 'Location of the secret, or the folder to list.' },
    },
    authz: (req) => ({ action: ACTIONS[req.operation], resource: secretResource(req.mount, req.data.path) }),
    exists: async (req) => req.data.path !== '' && (await req.storage.get(req.data.path)) !== undefined,
    operations: {
      read: {
        summary: 'Read a secret.',
        async handle(req): Promise<KvV1Response> {
          const data = req.data.path === '' ? undefined : await req.storage.getJson<Record<string, unknown>>(req.data.path);
          if (data === undefined) throw noSecret();
          return { data, leaseDuration: advisoryTtl(data) ?? req.mount.config.default_lease_ttl };
        },
      },
      list: {
        summary: 'List the secrets and folders under a folder.',
        async handle(req) {
          const keys = await req.storage.list(listPrefix(req.data.path));
          if (keys.length === 0) throw noSecret();
          return { data: { keys } };
        },
      },
      create: { summary: 'Create a secret.', handle: (req) => write(req.data.path, req.raw, req.storage) },
      update: { summary: 'Replace a secret.', handle: (req) => write(req.data.path, req.raw, req.storage) },
      delete: {
        summary: 'Delete a secret.',
        async handle(req) {
          if (req.data.path !== '') await req.storage.delete(req.data.path);
          return undefined;
        },
      },
    },
    help: {
      synopsis: 'Pass-through secret storage: read and write arbitrary key/value data.',
      description:
        'The request body is stored as is and returned on read. A `ttl` key only sets the ' +
        'advisory lease_duration of reads, telling clients how often to re-read; no lease is created.',
    },
  });

async function write(
  rawPath: string,
  body: Readonly<Record<string, unknown>>,
  storage: StorageView,
): Promise<undefined> {
  const path = writablePath(rawPath);
  if (Object.keys(body).length === 0) throw invalidRequest('missing data fields');
  await storage.putJson(path, body);
  return undefined;
}
