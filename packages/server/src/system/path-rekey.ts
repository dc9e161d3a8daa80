import { invalidRequest } from '../errors.js';
import { definePath, type PathSpec } from '../framework/engine.js';
import { decodeKey, rawJson } from './raw-json.js';
import type { SystemLifecycle } from './system-lifecycle.js';

/** `sys/rekey/*` and `sys/generate-root/*` (spec §2.2): both need a threshold of unseal keys. */
export function rekeyPaths(life: SystemLifecycle): PathSpec<any>[] {
  const keyFields = {
    key: { type: 'string' as const, description: 'one unseal key share, hex or base64', sensitive: true },
    nonce: { type: 'string' as const, description: 'the nonce of the operation in progress' },
  };
  const requireKey = (data: { key?: string | undefined; nonce?: string | undefined }) => {
    if (!data.key) throw invalidRequest('missing required input: `key`');
    if (!data.nonce) throw invalidRequest('missing required input: `nonce`');
    return { key: decodeKey(data.key), nonce: data.nonce };
  };
  return [
    definePath({
      pattern: 'rekey/init',
      fields: {
        secret_shares: { type: 'int', description: 'number of new key shares' },
        secret_threshold: { type: 'int', description: 'number of new shares required to unseal' },
        pgp_keys: { type: 'strings', description: 'not supported' },
        backup: { type: 'bool', description: 'not supported' },
        require_verification: { type: 'bool', description: 'not supported' },
      },
      authz: () => ({ action: 'sudo', resource: 'sys/rekey' }),
      operations: {
        read: { summary: 'rekey progress', handle: async () => rawJson(await life.rekeyStatus()) },
        update: {
          summary: 'start a rekey',
          handle: async ({ data }) => {
            if (data.pgp_keys?.length || data.backup || data.require_verification) {
              throw invalidRequest('pgp keys, backup and verification are not supported');
            }
            if (data.secret_shares === undefined || data.secret_threshold === undefined) {
              throw invalidRequest('`secret_shares` and `secret_threshold` are required');
            }
            return rawJson(
              await life.rekeyInit({ secret_shares: data.secret_shares, secret_threshold: data.secret_threshold }),
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
