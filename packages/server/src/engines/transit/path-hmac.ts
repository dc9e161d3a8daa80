import { createHmac, timingSafeEqual } from 'node:crypto';
import { definePath } from '../../framework/engine.js';
import { invalidRequest } from '../../errors.js';
import { BATCH_FIELDS, batchItems, runBatch } from './batch.js';
import { decodeBase64, encodeBase64, formatVersioned, parseVersioned } from './codec.js';
import { decryptionVersion, encryptionVersion, type KeyRecord } from './key-record.js';
import { keyResource, type KeyStore } from './key-store.js';
import { hmacKeyBytes } from './key-material.js';
import { nodeHash } from '../../framework/hash-algorithms.js';

/**
 * `hmac/:name(/:algorithm)`: HMAC of base64 input with the version's HMAC key, answered as
 * `vault:v<N>:<base64 mac>` (https://developer.hashicorp.com/vault/api-docs/secret/transit#generate-hmac).
 * Every key type has an HMAC key per version; `type=hmac` keys exist only for this.
 */
export function hmacOf(record: KeyRecord, input: Buffer, algorithm: string, keyVersion: number | undefined) {
  const hash = nodeHash(algorithm);
  const ver = encryptionVersion(record, keyVersion, 'hmac');
  const key = hmacKeyBytes(record.versions[String(ver)]!);
  return { hmac: formatVersioned(ver, encodeBase64(createHmac(hash, key).update(input).digest())), key_version: ver };
}

/** Checks a `vault:vN:` HMAC in constant time (verify/:name with `hmac`). */
export function verifyHmac(record: KeyRecord, input: Buffer, hmac: string, algorithm: string): boolean {
  const hash = nodeHash(algorithm);
  const parsed = parseVersioned(hmac, 'hmac');
  const given = decodeBase64(parsed.payload, 'hmac');
  const version = decryptionVersion(record, parsed.version);
  const expected = createHmac(hash, hmacKeyBytes(version)).update(input).digest();
  // The digest length is public (it follows from the algorithm); only the content must not leak.
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const ITEM = {
  input: { type: 'string', description: 'Base64 input.', required: true, sensitive: true },
  key_version: { type: 'int', description: 'Key version; 0 or absent = latest.' },
} as const;

export const pathHmac = (keys: KeyStore) =>
  definePath({
    pattern: ['hmac/:name', 'hmac/:name/:urlalgorithm'],
    fields: {
      name: { type: 'string', description: 'Name of the key.', required: true },
      urlalgorithm: { type: 'string', description: 'Hash algorithm given in the path; wins over `algorithm`.' },
      algorithm: { type: 'string', description: 'sha2-224/256/384/512 or sha3-224/256/384/512.', default: 'sha2-256' },
      input: { type: 'string', description: 'Base64 input to HMAC.', sensitive: true },
      key_version: ITEM.key_version,
      ...BATCH_FIELDS,
      batch_input: { ...BATCH_FIELDS.batch_input, sensitive: true },
    },
    authz: (req) => ({ action: 'sign', resource: keyResource(req.mount, req.data.name) }),
    operations: {
      update: {
        summary: 'HMAC base64 input (or a batch) with the named key.',
        async handle(req) {
          const d = req.data;
          const algorithm = d.urlalgorithm ?? d.algorithm;
          nodeHash(algorithm);
          const items = batchItems(d.batch_input);
          const record = await keys.require(req.storage, d.name);
          if (items) {
            return runBatch(ITEM, items, d.partial_failure_response_code, (item) =>
              hmacOf(record, decodeBase64(item.input, 'input'), algorithm, item.key_version),
            );
          }
          if (d.input === undefined) throw invalidRequest('missing input for HMAC');
          return { data: hmacOf(record, decodeBase64(d.input, 'input'), algorithm, d.key_version) };
        },
      },
    },
    help: {
      synopsis: 'Generate an HMAC of data with a named key.',
      description:
        'Returns `vault:v<N>:<base64 mac>`; verify it with verify/:name and `hmac`. The algorithm may be given ' +
        'in the path (hmac/:name/sha2-512) or as `algorithm`.',
    },
  });
