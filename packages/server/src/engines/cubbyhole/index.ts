import { VaultError, invalidRequest } from '../../errors.js';
import { definePath, type EngineFactory } from '../../framework/engine.js';
import type { StorageView } from '../../storage/storage-view.js';

/**
 * Cubbyhole (https://developer.hashicorp.com/vault/docs/secrets/cubbyhole): a private KV v1 store
 * per token. With `perTokenStorage` the router hands each request `cubbyholeViewFor(mount view,
 * auth.tokenHash)`, so no token can name another token's data; the data dies with the token
 * (`destroyCubbyhole` from the token store's revoke hook).
 */
export const cubbyholeViewFor = (root: StorageView, tokenHash: string): StorageView => root.sub(`${tokenHash}/`);

/** Deletes everything in one token's cubbyhole. */
export async function destroyCubbyhole(root: StorageView, tokenHash: string): Promise<void> {
  const keys: string[] = [];
  for await (const key of root.keys(`${tokenHash}/`)) keys.push(key);
  for (let i = 0; i < keys.length; i += 500) {
    await root.batch(keys.slice(i, i + 500).map((key) => ({ type: 'delete' as const, key })));
  }
}

const entryPath = definePath({
  pattern: ':path*',
  fields: { path: { type: 'string', description: 'Location of the secret in the token\'s cubbyhole.', default: '' } },
  help: {
    synopsis: 'Store and read secrets private to the calling token.',
    description: 'Any body written is stored as is; the data is destroyed when the token is revoked.',
  },
  authz: (req) => ({ action: req.operation, resource: `${req.mount.path}${req.data.path}` }),
  exists: async (req) => req.data.path !== '' && (await req.storage.get(req.data.path)) !== undefined,
  operations: {
    read: {
      summary: 'Read a secret.',
      handle: async (req) => {
        const data = await req.storage.getJson<Record<string, unknown>>(secretKey(req.data.path));
        if (data === undefined) throw new VaultError('not_found', '');
        return { data };
      },
    },
    create: { summary: 'Write a secret.', handle: (req) => write(req.storage, req.data.path, req.raw) },
    update: { summary: 'Write a secret.', handle: (req) => write(req.storage, req.data.path, req.raw) },
    delete: {
      summary: 'Delete a secret.',
      handle: async (req) => {
        await req.storage.delete(secretKey(req.data.path));
        return undefined;
      },
    },
    list: {
      summary: 'List secrets under a folder.',
      handle: async (req) => {
        const folder = req.data.path === '' || req.data.path.endsWith('/') ? req.data.path : `${req.data.path}/`;
        const keys = await req.storage.list(folder);
        if (keys.length === 0) throw new VaultError('not_found', '');
        return { data: { keys } };
      },
    },
  },
});

function secretKey(path: string): string {
  if (path === '' || path.endsWith('/')) throw invalidRequest('missing path');
  return path;
}

async function write(storage: StorageView, path: string, body: Readonly<Record<string, unknown>>): Promise<undefined> {
  const key = secretKey(path);
  if (Object.keys(body).length === 0) throw invalidRequest('missing data fields');
  await storage.putJson(key, { ...body });
  return undefined;
}

export const cubbyholeEngine: EngineFactory = async () => ({
  kind: 'secrets',
  perTokenStorage: true,
  paths: [entryPath],
});
