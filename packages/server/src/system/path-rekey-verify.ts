import { invalidRequest } from '../errors.js';
import { definePath, type PathSpec } from '../framework/engine.js';
import { keyFields, requireKey } from './path-rekey.js';
import { rawJson } from './raw-json.js';
import type { SystemLifecycle } from './system-lifecycle.js';

/**
 * `sys/rekey/verify` and `sys/rekey/backup` (https://developer.hashicorp.com/vault/api-docs/system/rekey).
 * Verify is reachable without a token like the rest of the rekey ceremony (the key shares are
 * the authority) and answers raw JSON; backup is an ordinary authorized path.
 */
export function rekeyVerifyPaths(life: SystemLifecycle): PathSpec<any>[] {
  return [
    definePath({
      pattern: 'rekey/verify',
      fields: keyFields,
      authz: () => ({ action: 'sudo', resource: 'sys/rekey' }),
      operations: {
        read: { summary: 'rekey verification progress', handle: async () => rawJson(await life.rekeyVerifyStatus()) },
        update: {
          summary: 'submit one of the new key shares',
          handle: async ({ data }) => {
            const { key, nonce } = requireKey(data);
            return rawJson(await life.rekeyVerifyUpdate(key, nonce));
          },
        },
        delete: { summary: 'restart verification', handle: async () => rawJson(await life.rekeyVerifyRestart()) },
      },
      help: {
        synopsis: 'Hand back a threshold of the new shares to put a rekey started with `require_verification` in force.',
      },
    }),
    definePath({
      pattern: 'rekey/backup',
      fields: {},
      authz: (req) => ({ action: req.operation === 'read' ? 'read' : 'delete', resource: 'sys/rekey/backup' }),
      operations: {
        // Backups hold PGP-encrypted shares; without PGP support there is never one, and Vault
        // answers a read with no backup this way.
        read: {
          summary: 'the backed-up PGP-encrypted shares',
          handle: async () => {
            throw invalidRequest('no backed-up keys found');
          },
        },
        delete: { summary: 'delete the backup', handle: async () => undefined },
      },
      help: { synopsis: 'PGP-encrypted share backups (never made here: PGP keys are not supported).' },
    }),
  ];
}
