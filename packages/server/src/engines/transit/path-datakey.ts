import { randomBytes } from 'node:crypto';
import { definePath } from '../../framework/engine.js';
import { invalidRequest } from '../../errors.js';
import { encrypt } from './cipher.js';
import { encodeBase64 } from './codec.js';
import { keyResource, type KeyStore } from './key-store.js';

/**
 * `datakey/:plaintext_or_wrapped/:name`: a fresh random key for envelope encryption, returned
 * encrypted with the named key (and, for `plaintext`, also in the clear)
 * (https://developer.hashicorp.com/vault/api-docs/secret/transit#generate-data-key).
 */
const BITS = [128, 256, 512];

export const pathDatakey = (keys: KeyStore) =>
  definePath({
    pattern: 'datakey/:plaintext_or_wrapped/:name',
    fields: {
      plaintext_or_wrapped: {
        type: 'string',
        description: '`plaintext` also returns the key itself; `wrapped` only its ciphertext.',
        required: true,
        allowed: ['plaintext', 'wrapped'],
      },
      name: { type: 'string', description: 'Name of the key that encrypts the data key.', required: true },
      context: { type: 'string', description: 'Base64 derivation context; required for derived keys.' },
      bits: { type: 'int', description: 'Data key length: 128, 256 (default) or 512 bits.', default: 256 },
      key_version: { type: 'int', description: 'Key version to encrypt with; 0 or absent = latest.' },
    },
    authz: (req) => ({ action: 'encrypt', resource: keyResource(req.mount, req.data.name) }),
    operations: {
      update: {
        summary: 'Generate a data key, encrypted with the named key.',
        async handle(req) {
          const d = req.data;
          if (!BITS.includes(d.bits)) throw invalidRequest(`invalid bits \`${d.bits}\`: must be 128, 256 or 512`);
          const record = await keys.require(req.storage, d.name);
          const dataKey = randomBytes(d.bits / 8);
          const out = encrypt(record, dataKey, { context: d.context, keyVersion: d.key_version });
          return {
            data: {
              ciphertext: out.ciphertext,
              key_version: out.keyVersion,
              ...(d.plaintext_or_wrapped === 'plaintext' && { plaintext: encodeBase64(dataKey) }),
            },
          };
        },
      },
    },
    help: {
      synopsis: 'Generate a data key for envelope encryption.',
      description:
        'Store the returned ciphertext beside your data; decrypt/:name turns it back into the data key when needed. ' +
        '`wrapped` never shows the key to the caller that creates it.',
    },
  });
