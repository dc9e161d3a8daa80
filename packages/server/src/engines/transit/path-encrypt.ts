import { definePath, type EngineRequest, type EngineResponse } from '../../framework/engine.js';
import type { FieldValues } from '../../framework/fields.js';
import type { StorageView } from '../../storage/storage-view.js';
import { invalidRequest } from '../../errors.js';
import { BATCH_FIELDS, batchItems, runBatch } from './batch.js';
import { decrypt, encrypt } from './cipher.js';
import { decodeBase64, encodeBase64 } from './codec.js';
import type { KeyRecord } from './key-record.js';
import { keyResource, type KeyStore } from './key-store.js';
import { isKeyType } from './key-types.js';

/**
 * `encrypt/:name`, `decrypt/:name` and `rewrap/:name`
 * (https://developer.hashicorp.com/vault/api-docs/secret/transit#encrypt-data).
 */
const NAME = { name: { type: 'string', description: 'Name of the key.', required: true } } as const;
const CONTEXT = {
  context: { type: 'string', description: 'Base64 key-derivation context; required for derived keys.' },
} as const;
const KEY_VERSION = {
  key_version: { type: 'int', description: 'Key version to encrypt with; 0 or absent = latest.' },
} as const;
const REFERENCE = { reference: { type: 'string', description: 'Echoed back in batch results.' } } as const;

const ENCRYPT_ITEM = {
  plaintext: { type: 'string', description: 'Base64 plaintext.', required: true, sensitive: true },
  ...CONTEXT,
  ...KEY_VERSION,
} as const;
const DECRYPT_ITEM = {
  ciphertext: { type: 'string', description: 'A `vault:v<N>:…` ciphertext.', required: true },
  ...CONTEXT,
} as const;
const REWRAP_ITEM = { ...DECRYPT_ITEM, ...KEY_VERSION } as const;

type EncryptItem = { plaintext: string; context: string | undefined; key_version: number | undefined };
type DecryptItem = { ciphertext: string; context: string | undefined };
type RewrapItem = DecryptItem & { key_version: number | undefined };

const encryptOne = (record: KeyRecord, item: EncryptItem) => {
  const out = encrypt(record, decodeBase64(item.plaintext, 'plaintext'), { context: item.context, keyVersion: item.key_version });
  return { ciphertext: out.ciphertext, key_version: out.keyVersion };
};
const decryptOne = (record: KeyRecord, item: DecryptItem) => ({
  plaintext: encodeBase64(decrypt(record, item.ciphertext, { context: item.context })),
});
const rewrapOne = (record: KeyRecord, item: RewrapItem) => {
  const plaintext = decrypt(record, item.ciphertext, { context: item.context });
  const out = encrypt(record, plaintext, { context: item.context, keyVersion: item.key_version });
  return { ciphertext: out.ciphertext, key_version: out.keyVersion };
};

/**
 * The key to encrypt with. Encrypting to a missing key creates it (Vault's upsert) unless
 * `config/keys` sets disable_upsert; a context on the request makes the new key derived.
 */
async function keyForEncrypt(keys: KeyStore, storage: StorageView, name: string, type: string, withContext: boolean) {
  const existing = await keys.get(storage, name);
  if (existing) return existing;
  if ((await keys.keysConfig(storage)).disable_upsert) throw invalidRequest('encryption key not found');
  if (!isKeyType(type)) throw invalidRequest(`unknown key type \`${type}\``);
  return (await keys.upsert(storage, name, { type, derived: withContext })).record;
}

const ENCRYPT_FIELDS = {
  ...NAME,
  plaintext: { type: 'string', description: 'Base64 plaintext to encrypt.', sensitive: true },
  ...CONTEXT,
  ...KEY_VERSION,
  ...REFERENCE,
  type: { type: 'string', description: 'Type of the key created when it does not exist yet.', default: 'aes256-gcm96' },
  ...BATCH_FIELDS,
  batch_input: { ...BATCH_FIELDS.batch_input, sensitive: true },
} as const;

export const pathEncrypt = (keys: KeyStore) => {
  const handle = async (req: EngineRequest<FieldValues<typeof ENCRYPT_FIELDS>>): Promise<EngineResponse> => {
    const d = req.data;
    const items = batchItems(d.batch_input);
    const withContext = items ? typeof items[0]?.['context'] === 'string' && items[0]['context'] !== '' : !!d.context;
    const record = await keyForEncrypt(keys, req.storage, d.name, d.type, withContext);
    if (items) return runBatch(ENCRYPT_ITEM, items, d.partial_failure_response_code, (item) => encryptOne(record, item));
    if (d.plaintext === undefined) throw invalidRequest('missing plaintext to encrypt');
    return { data: encryptOne(record, { plaintext: d.plaintext, context: d.context, key_version: d.key_version }) };
  };
  return definePath({
    pattern: 'encrypt/:name',
    fields: ENCRYPT_FIELDS,
    exists: async (req) => (await keys.get(req.storage, req.data.name)) !== undefined,
    // Creating a key on first use needs the right to create keys, as Vault's upsert needs `create`.
    authz: (req) => ({
      action: req.operation === 'create' ? 'configure' : 'encrypt',
      resource: keyResource(req.mount, req.data.name),
    }),
    operations: {
      create: { summary: 'Create the key (aes256-gcm96 unless `type` says otherwise) and encrypt with it.', handle },
      update: { summary: 'Encrypt base64 plaintext (or a batch) with the named key.', handle },
    },
    help: {
      synopsis: 'Encrypt data with a named key.',
      description:
        'Returns `vault:v<N>:<base64(nonce || ciphertext || tag)>` and key_version. Encrypting to a missing key ' +
        'creates it. batch_input encrypts many items at once; failed items carry an `error` and make the status ' +
        '400 unless partial_failure_response_code says otherwise.',
    },
  });
};

export const pathDecrypt = (keys: KeyStore) =>
  definePath({
    pattern: 'decrypt/:name',
    fields: {
      ...NAME,
      ciphertext: { type: 'string', description: 'The `vault:v<N>:…` ciphertext to decrypt.' },
      ...CONTEXT,
      ...REFERENCE,
      ...BATCH_FIELDS,
    },
    authz: (req) => ({ action: 'decrypt', resource: keyResource(req.mount, req.data.name) }),
    operations: {
      update: {
        summary: 'Decrypt a ciphertext (or a batch); the plaintext comes back base64.',
        async handle(req) {
          const d = req.data;
          const items = batchItems(d.batch_input);
          const record = await keys.require(req.storage, d.name);
          if (items) return runBatch(DECRYPT_ITEM, items, d.partial_failure_response_code, (item) => decryptOne(record, item));
          if (d.ciphertext === undefined) throw invalidRequest('missing ciphertext to decrypt');
          return { data: decryptOne(record, { ciphertext: d.ciphertext, context: d.context }) };
        },
      },
    },
    help: {
      synopsis: 'Decrypt data with a named key.',
      description:
        'Refuses ciphertext below min_decryption_version, any modified ciphertext and a wrong context (400).',
    },
  });

export const pathRewrap = (keys: KeyStore) =>
  definePath({
    pattern: 'rewrap/:name',
    fields: {
      ...NAME,
      ciphertext: { type: 'string', description: 'The `vault:v<N>:…` ciphertext to re-encrypt.' },
      ...CONTEXT,
      ...KEY_VERSION,
      ...REFERENCE,
      ...BATCH_FIELDS,
    },
    authz: (req) => ({ action: 'encrypt', resource: keyResource(req.mount, req.data.name) }),
    operations: {
      update: {
        summary: 'Re-encrypt a ciphertext with the latest (or given) key version without revealing the plaintext.',
        async handle(req) {
          const d = req.data;
          const items = batchItems(d.batch_input);
          const record = await keys.require(req.storage, d.name);
          if (items) return runBatch(REWRAP_ITEM, items, d.partial_failure_response_code, (item) => rewrapOne(record, item));
          if (d.ciphertext === undefined) throw invalidRequest('missing ciphertext to rewrap');
          return { data: rewrapOne(record, { ciphertext: d.ciphertext, context: d.context, key_version: d.key_version }) };
        },
      },
    },
    help: {
      synopsis: 'Rewrap ciphertext with the newest key version.',
      description: 'After a rotation, rewrap moves stored ciphertext to the new version so old versions can be retired.',
    },
  });
