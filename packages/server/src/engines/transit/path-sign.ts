import { definePath, type EngineResponse } from '../../framework/engine.js';
import { invalidRequest } from '../../errors.js';
import { BATCH_FIELDS, batchItems, runBatch } from './batch.js';
import { decodeBase64 } from './codec.js';
import { keyResource, type KeyStore } from './key-store.js';
import { verifyHmac } from './path-hmac.js';
import { signInput, verifyInput, type SignOptions } from './signing.js';

/**
 * `sign/:name(/:hash_algorithm)` and `verify/:name(/:hash_algorithm)`
 * (https://developer.hashicorp.com/vault/api-docs/secret/transit#sign-data). Verify also checks
 * HMACs made by hmac/:name when given `hmac` instead of `signature`.
 */
const OPTION_FIELDS = {
  name: { type: 'string', description: 'Name of the key.', required: true },
  urlalgorithm: { type: 'string', description: 'Hash algorithm given in the path; wins over `hash_algorithm`.' },
  hash_algorithm: { type: 'string', description: 'Digest signed by ECDSA/RSA keys (default sha2-256); ignored by ed25519.' },
  algorithm: { type: 'string', description: 'Older name of hash_algorithm.' },
  input: { type: 'string', description: 'Base64 input.', sensitive: true },
  context: { type: 'string', description: 'Base64 derivation context (derived ed25519 keys).' },
  prehashed: { type: 'bool', description: 'Input is already a digest (not supported: Node signs whole messages).', default: false },
  signature_algorithm: { type: 'string', description: 'RSA padding: pss (default) or pkcs1v15.', default: 'pss' },
  marshaling_algorithm: { type: 'string', description: 'ECDSA signature encoding: asn1 (DER, default) or jws (r||s, base64url).', default: 'asn1' },
  salt_length: { type: 'string', description: 'RSA-PSS salt: auto (default, longest), hash, or a byte count.', default: 'auto' },
  ...BATCH_FIELDS,
  batch_input: { ...BATCH_FIELDS.batch_input, sensitive: true },
} as const;

const SIGN_ITEM = {
  input: { type: 'string', description: 'Base64 input.', required: true, sensitive: true },
  context: OPTION_FIELDS.context,
  key_version: { type: 'int', description: 'Key version; 0 or absent = latest.' },
} as const;
const VERIFY_ITEM = {
  input: SIGN_ITEM.input,
  context: OPTION_FIELDS.context,
  signature: { type: 'string', description: 'A `vault:v<N>:…` signature.' },
  hmac: { type: 'string', description: 'A `vault:v<N>:…` HMAC.' },
} as const;

interface OptionValues {
  urlalgorithm: string | undefined;
  hash_algorithm: string | undefined;
  algorithm: string | undefined;
  prehashed: boolean;
  signature_algorithm: string;
  marshaling_algorithm: string;
  salt_length: string;
}

const signOptions = (d: OptionValues, context: string | undefined): SignOptions => ({
  hashAlgorithm: d.urlalgorithm ?? d.hash_algorithm ?? d.algorithm ?? 'sha2-256',
  signatureAlgorithm: d.signature_algorithm,
  marshaling: d.marshaling_algorithm,
  saltLength: d.salt_length,
  prehashed: d.prehashed,
  context,
});

export const pathSign = (keys: KeyStore) =>
  definePath({
    pattern: ['sign/:name', 'sign/:name/:urlalgorithm'],
    fields: { ...OPTION_FIELDS, key_version: SIGN_ITEM.key_version },
    authz: (req) => ({ action: 'sign', resource: keyResource(req.mount, req.data.name) }),
    operations: {
      update: {
        summary: 'Sign base64 input (or a batch) with the named asymmetric key.',
        async handle(req): Promise<EngineResponse> {
          const d = req.data;
          const items = batchItems(d.batch_input);
          const record = await keys.require(req.storage, d.name, 'signing key');
          if (items) {
            return runBatch(SIGN_ITEM, items, d.partial_failure_response_code, (item) =>
              signInput(record, decodeBase64(item.input, 'input'), item.key_version, signOptions(d, item.context)),
            );
          }
          if (d.input === undefined) throw invalidRequest('missing input to sign');
          return { data: signInput(record, decodeBase64(d.input, 'input'), d.key_version, signOptions(d, d.context)) };
        },
      },
    },
    help: {
      synopsis: 'Sign data with a named key.',
      description:
        'ed25519 signs the input itself; ECDSA and RSA sign its hash_algorithm digest. Returns ' +
        '`vault:v<N>:<signature>`; marshaling_algorithm=jws gives ECDSA r||s in base64url.',
    },
  });

export const pathVerify = (keys: KeyStore) =>
  definePath({
    pattern: ['verify/:name', 'verify/:name/:urlalgorithm'],
    fields: { ...OPTION_FIELDS, signature: VERIFY_ITEM.signature, hmac: VERIFY_ITEM.hmac },
    authz: (req) => ({ action: 'read', resource: keyResource(req.mount, req.data.name) }),
    operations: {
      update: {
        summary: 'Verify a signature or an HMAC (or a batch of them).',
        async handle(req): Promise<EngineResponse> {
          const d = req.data;
          const items = batchItems(d.batch_input);
          const record = await keys.require(req.storage, d.name, 'signature verification key');
          const check = (input: string, context: string | undefined, signature?: string, hmac?: string) => {
            if ((signature === undefined) === (hmac === undefined)) throw invalidRequest("provide one of 'signature' or 'hmac'");
            const bytes = decodeBase64(input, 'input');
            const opts = signOptions(d, context);
            const valid =
              hmac !== undefined ? verifyHmac(record, bytes, hmac, opts.hashAlgorithm) : verifyInput(record, bytes, signature ?? '', opts);
            return { valid };
          };
          if (items) {
            return runBatch(VERIFY_ITEM, items, d.partial_failure_response_code, (item) =>
              check(item.input, item.context, item.signature, item.hmac),
            );
          }
          if (d.input === undefined) throw invalidRequest('missing input to verify');
          return { data: check(d.input, d.context, d.signature, d.hmac) };
        },
      },
    },
    help: {
      synopsis: 'Verify a signature or HMAC made by this key.',
      description:
        'Answers valid=true or false; a malformed value or a version below min_decryption_version is a 400. ' +
        'HMACs are compared in constant time.',
    },
  });
