import { invalidRequest } from '../errors.js';
import { definePath, type PathSpec } from '../framework/engine.js';
import { decodeKey, rawJson } from './raw-json.js';
import type { SystemLifecycle } from './system-lifecycle.js';

/** The fields of every call that hands in one key share. */
export const keyFields = {
  key: { type: 'string' as const, description: 'one unseal key share, hex or base64', sensitive: true },
  nonce: { type: 'string' as const, description: 'the nonce of the operation in progress' },
};

/** The decoded share and nonce of a {@link keyFields} call; 400 when either is missing. */
export function requireKey(data: { key?: string | undefined; nonce?: string | undefined }) {
  if (!data.key) throw invalidRequest('missing required input: `key`');
  if (!data.nonce) throw invalidRequest('missing required input: `nonce`');
  return { key: decodeKey(data.key), nonce: data.nonce };
}

/**
 * `sys/rekey/init|update` and `sys/generate-root/*` (spec §2.2): both need a threshold of unseal
 * keys. Rekey verification and backup are in path-rekey-verify.ts.
 */
export function rekeyPaths(life: SystemLifecycle): PathSpec<any>[] {
  return [
    definePath({
      pattern: 'rekey/init',
      fields: {
        secret_shares: { type: 'int', description: 'number of new key shares' },
        secret_threshold: { type: 'int', description: 'number of new shares required to unseal' },
        pgp_keys: { type: 'strings', description: 'not supported: PGP-encrypted shares' },
        backup: { type: 'bool', description: 'not supported: needs pgp_keys' },
        require_verification: { type: 'bool', description: 'put the new shares in force only once a threshold of them is handed back to sys/rekey/verify' },
      },
      authz: () => ({ action: 'sudo', resource: 'sys/rekey' }),
      operations: {
        read: { summary: 'rekey progress', handle: async () => rawJson(await life.rekeyStatus()) },
        update: {
          summary: 'start a rekey',
          handle: async ({ data }) => {
            if (data.pgp_keys?.length) throw invalidRequest('pgp-encrypted key shares are not supported');
            // Vault's answer to a backup without PGP keys, the only kind we can be asked for.
            if (data.backup) throw invalidRequest('cannot request a backup of the new keys without providing PGP keys for encryption');
            if (data.secret_shares === undefined || data.secret_threshold === undefined) {
              throw invalidRequest('`secret_shares` and `secret_threshold` are required');
            }
            return rawJson(
              await life.rekeyInit({
                secret_shares: data.secret_shares,
                secret_threshold: data.secret_threshold,
                require_verification: data.require_verification === true,
              }),
            );
          },
        },
        delete: { summary: 'cancel the rekey', handle: async () => (await life.rekeyCancel(), undefined) },
      },
      help: { synopsis: 'Start, inspect or cancel a rekey of the unseal key.' },
    }),
    definePath({
      pattern: 'rekey/update',
      fields: keyFields,
      authz: () => ({ action: 'sudo', resource: 'sys/rekey' }),
      operations: {
        update: {
          summary: 'submit a current unseal key share',
          handle: async ({ data }) => {
            const { key, nonce } = requireKey(data);
            return rawJson(await life.rekeyUpdate(key, nonce));
          },
        },
      },
      help: { synopsis: 'Submit a current key share; the new shares are returned when the threshold is met.' },
    }),
    definePath({
      pattern: 'generate-root/attempt',
      fields: { pgp_key: { type: 'string', description: 'not supported' } },
      authz: () => ({ action: 'sudo', resource: 'sys/generate-root' }),
      operations: {
        read: { summary: 'root generation progress', handle: async () => rawJson(await life.generateRootStatus()) },
        update: {
          summary: 'start generating a root token',
          handle: async ({ data }) => {
            if (data.pgp_key) throw invalidRequest('pgp-encrypted root tokens are not supported');
            return rawJson(await life.generateRootInit());
          },
        },
        delete: { summary: 'cancel', handle: async () => (await life.generateRootCancel(), undefined) },
      },
      help: { synopsis: 'Start, inspect or cancel the generation of a new root token.' },
    }),
    definePath({
      pattern: 'generate-root/update',
      fields: keyFields,
      authz: () => ({ action: 'sudo', resource: 'sys/generate-root' }),
      operations: {
        update: {
          summary: 'submit an unseal key share',
          handle: async ({ data }) => {
            const { key, nonce } = requireKey(data);
            return rawJson(await life.generateRootUpdate(key, nonce));
          },
        },
      },
      help: { synopsis: 'Submit a key share; the OTP-encoded root token is returned at the threshold.' },
    }),
  ];
}
