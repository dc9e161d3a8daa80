import { definePath } from '../../framework/engine.js';
import { invalidRequest } from '../../errors.js';
import { mountResource, type KeyStore } from './key-store.js';

/**
 * Mount-wide settings: `cache-config` and `config/keys`
 * (https://developer.hashicorp.com/vault/api-docs/secret/transit#configure-cache).
 */
const CACHE_PATH = 'config/cache';

export const pathCacheConfig = () =>
  definePath({
    pattern: 'cache-config',
    fields: {
      size: { type: 'int', description: 'Key cache size: 0 (unbounded) or at least 10.', default: 0 },
    },
    authz: (req) => ({ action: req.operation === 'read' ? 'read' : 'configure', resource: mountResource(req.mount) }),
    operations: {
      read: {
        summary: 'Read the key cache size.',
        async handle(req) {
          const stored = await req.storage.getJson<{ size: number }>(CACHE_PATH);
          return { data: { size: stored?.size ?? 0 } };
        },
      },
      update: {
        summary: 'Set the key cache size.',
        async handle(req) {
          const { size } = req.data;
          if (size < 0) throw invalidRequest('size must be 0 or a value greater or equal to 10');
          if (size !== 0 && size < 10) throw invalidRequest('size must be 0 or a value greater or equal to 10');
          await req.storage.putJson(CACHE_PATH, { size });
          return { data: { size } };
        },
      },
    },
    help: {
      synopsis: 'Configure the transit key cache.',
      description:
        'Accepted and stored for compatibility with Vault clients. This engine reads keys from the barrier on each ' +
        'request, so the size changes nothing yet.',
    },
  });

export const pathConfigKeys = (keys: KeyStore) =>
  definePath({
    pattern: 'config/keys',
    fields: {
      disable_upsert: { type: 'bool', description: 'If true, encrypt/:name no longer creates missing keys.' },
    },
    authz: (req) => ({ action: req.operation === 'read' ? 'read' : 'configure', resource: mountResource(req.mount) }),
    operations: {
      read: {
        summary: 'Read mount-wide key settings.',
        async handle(req) {
          return { data: { ...(await keys.keysConfig(req.storage)) } };
        },
      },
      update: {
        summary: 'Change mount-wide key settings.',
        async handle(req) {
          const current = await keys.keysConfig(req.storage);
          const next = { disable_upsert: req.data.disable_upsert ?? current.disable_upsert };
          await req.storage.putJson('config/keys', next);
          return { data: next };
        },
      },
    },
    help: {
      synopsis: 'Configure mount-wide key settings.',
      description: 'disable_upsert stops encrypt/:name from creating keys that do not exist.',
    },
  });
