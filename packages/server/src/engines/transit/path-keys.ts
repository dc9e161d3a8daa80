import { definePath } from '../../framework/engine.js';
import type { StorageView } from '../../storage/storage-view.js';
import { invalidRequest, VaultError } from '../../errors.js';
import { decodeOptionalBase64 } from './codec.js';
import { keyInfo } from './key-record.js';
import { keyResource, mountResource, type KeyStore } from './key-store.js';
import { isKeyType, KEY_TYPES } from './key-types.js';

/**
 * `keys/:name` (create, read, delete) and `keys` (list)
 * (https://developer.hashicorp.com/vault/api-docs/secret/transit#create-key).
 */
const nothing = () => new VaultError('not_found', '');

export const pathKeys = (keys: KeyStore) =>
  definePath({
    pattern: 'keys/:name',
    fields: {
      name: { type: 'string', description: 'Name of the key.', required: true },
      type: { type: 'string', description: `Key type: ${KEY_TYPES.join(', ')}.`, default: 'aes256-gcm96' },
      derived: { type: 'bool', description: 'Derive a key per request from `context` (HKDF-SHA256).' },
      convergent_encryption: { type: 'bool', description: 'Deterministic encryption; not supported here.' },
      exportable: { type: 'bool', description: 'Allow the key material to be exported; cannot be undone.' },
      allow_plaintext_backup: { type: 'bool', description: 'Allow plaintext backups of the key; cannot be undone.' },
      auto_rotate_period: { type: 'duration', description: 'Rotate automatically after this long; 0 (default) never, else at least 1h.' },
      key_size: { type: 'int', description: 'For `hmac` keys: key length in bytes (32–512, default 32).' },
      context: { type: 'string', description: 'Read only: base64 context showing a derived ed25519 key’s public key.' },
    },
    exists: async (req) => (await keys.get(req.storage, req.data.name)) !== undefined,
    authz: (req) => ({
      action: req.operation === 'read' ? 'read' : req.operation === 'delete' ? 'delete' : 'configure',
      resource: keyResource(req.mount, req.data.name),
    }),
    operations: {
      create: { summary: 'Create a key.', handle: (req) => write(keys, req.storage, req.data) },
      update: { summary: 'Create a key (an existing key is left as it is).', handle: (req) => write(keys, req.storage, req.data) },
      read: {
        summary: 'Read a key’s settings, versions and public keys (never private material).',
        async handle(req) {
          const record = await keys.get(req.storage, req.data.name);
          if (record === undefined) throw nothing();
          return { data: keyInfo(record, decodeOptionalBase64(req.data.context, 'context')) };
        },
      },
      delete: {
        summary: 'Delete a key whose deletion_allowed is set.',
        async handle(req) {
          const { name } = req.data;
          await keys.locks.run(name, async () => {
            const record = await keys.get(req.storage, name);
            if (record === undefined) throw invalidRequest(`could not delete key \`${name}\`: not found`);
            if (!record.deletionAllowed) throw invalidRequest(`deletion is not allowed for key \`${name}\``);
            await keys.delete(req.storage, name);
          });
          return undefined;
        },
      },
    },
    help: {
      synopsis: 'Manage named encryption and signing keys.',
      description:
        'POST creates a key of the given type (default aes256-gcm96); writing an existing name changes nothing and ' +
        'warns. GET shows its versions (creation times, or public keys for asymmetric types). DELETE needs ' +
        'deletion_allowed, set through keys/:name/config.',
    },
  });

type WriteFields = {
  name: string;
  type: string;
  derived: boolean | undefined;
  convergent_encryption: boolean | undefined;
  exportable: boolean | undefined;
  allow_plaintext_backup: boolean | undefined;
  auto_rotate_period: number | undefined;
  key_size: number | undefined;
};

async function write(keys: KeyStore, storage: StorageView, data: WriteFields) {
  if (!isKeyType(data.type)) throw invalidRequest(`unknown key type \`${data.type}\``);
  if (data.convergent_encryption) {
    throw invalidRequest(data.derived ? 'convergent encryption is not supported' : 'convergent encryption requires derivation to be enabled');
  }
  const { record, created } = await keys.upsert(storage, data.name, {
    type: data.type,
    derived: data.derived,
    exportable: data.exportable,
    allowPlaintextBackup: data.allow_plaintext_backup,
    autoRotatePeriod: data.auto_rotate_period,
    keySize: data.key_size,
  });
  return {
    data: keyInfo(record),
    ...(!created && { warnings: [`key \`${data.name}\` already existed`] }),
  };
}

export const pathKeysList = (keys: KeyStore) =>
  definePath({
    pattern: 'keys',
    fields: {},
    authz: (req) => ({ action: 'list', resource: mountResource(req.mount) }),
    operations: {
      list: {
        summary: 'List key names.',
        async handle(req) {
          const names = await keys.list(req.storage);
          // An empty LIST is a 404 with no message (spec §0 trap 3).
          if (names.length === 0) throw nothing();
          return { data: { keys: names } };
        },
      },
    },
    help: {
      synopsis: 'List the names of the mount’s keys.',
      description: 'Only names are returned, never key material.',
    },
  });
