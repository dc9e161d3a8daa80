import { invalidRequest } from '../errors.js';
import { definePath, type PathSpec } from '../framework/engine.js';
import { decodeKey, encodeKeys, rawJson } from './raw-json.js';
import type { SystemLifecycle } from './system-lifecycle.js';

/** `sys/init`, `sys/seal-status`, `sys/unseal`, `sys/seal`, `sys/step-down` (spec §2.1). */
export function sealPaths(life: SystemLifecycle, stepDown: () => void = () => undefined): PathSpec<any>[] {
  return [
    definePath({
      pattern: 'init',
      fields: {
        secret_shares: { type: 'int', description: 'number of key shares to split the unseal key into' },
        secret_threshold: { type: 'int', description: 'number of key shares required to unseal' },
        pgp_keys: { type: 'strings', description: 'not supported: PGP-encrypted shares' },
        root_token_pgp_key: { type: 'string', description: 'not supported: PGP-encrypted root token' },
        stored_shares: { type: 'int', description: 'not supported: auto-unseal stored shares' },
        recovery_shares: { type: 'int', description: 'not supported: recovery keys of auto-unseal' },
        recovery_threshold: { type: 'int', description: 'not supported: recovery keys of auto-unseal' },
      },
      authz: () => ({ action: 'configure', resource: 'sys/init' }),
      operations: {
        read: { summary: 'whether the vault is initialised', handle: async () => rawJson({ initialized: await life.initialized() }) },
        update: {
          summary: 'initialise a new vault',
          handle: async ({ data }) => {
            if (data.pgp_keys?.length || data.root_token_pgp_key) throw invalidRequest('pgp-encrypted keys are not supported');
            if (data.stored_shares) throw invalidRequest('stored shares are not supported with the shamir seal');
            if (data.secret_shares === undefined || data.secret_threshold === undefined) {
              throw invalidRequest('`secret_shares` and `secret_threshold` are required');
            }
            const { keys, rootToken } = await life.initialize({
              secret_shares: data.secret_shares,
              secret_threshold: data.secret_threshold,
            });
            return rawJson({ ...encodeKeys(keys), root_token: rootToken });
          },
        },
      },
      help: { synopsis: 'Initialise a new vault: split the unseal key into shares and create the root token.' },
    }),
    definePath({
      pattern: 'seal-status',
      fields: {},
      authz: () => ({ action: 'read', resource: 'sys/seal-status' }),
      operations: { read: { summary: 'seal status', handle: async () => rawJson(await life.sealStatus()) } },
      help: { synopsis: 'The seal status: sealed, threshold, shares and unseal progress.' },
    }),
    definePath({
      pattern: 'unseal',
      fields: {
        key: { type: 'string', description: 'one unseal key share, hex or base64', sensitive: true },
        reset: { type: 'bool', description: 'discard the shares submitted so far' },
        migrate: { type: 'bool', description: 'not supported: seal migration' },
      },
      authz: () => ({ action: 'update', resource: 'sys/unseal' }),
      operations: {
        update: {
          summary: 'submit an unseal key share',
          handle: async ({ data }) => {
            if (data.reset) return rawJson(await life.resetUnseal());
            if (!data.key) throw invalidRequest('missing required input: `key` or `reset`');
            return rawJson(await life.unseal(decodeKey(data.key)));
          },
        },
      },
      help: { synopsis: 'Submit unseal key shares; the vault unseals when the threshold is reached.' },
    }),
    definePath({
      pattern: 'seal',
      fields: {},
      authz: () => ({ action: 'sudo', resource: 'sys/seal' }),
      operations: {
        update: {
          summary: 'seal the vault',
          handle: async () => {
            await life.seal();
            return undefined;
          },
        },
      },
      help: { synopsis: 'Seal the vault: drop the keys from memory; every request then answers 503.' },
    }),
    definePath({
      pattern: 'step-down',
      fields: {},
      authz: () => ({ action: 'sudo', resource: 'sys/step-down' }),
      operations: { update: { summary: 'give up the active role', handle: async () => void stepDown() } },
      help: { synopsis: 'Make the active node step down and let a standby take over (a no-op without HA storage).' },
    }),
  ];
}
