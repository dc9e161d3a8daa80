import type { EngineContext, EngineFactory, EngineSpec } from '../../framework/engine.js';
import { pathConfigCa, pathPublicKey } from './path-config-ca.js';
import { pathIssue } from './path-issue.js';
import { pathRoleList, pathRoles } from './path-roles.js';
import { pathSign } from './path-sign.js';
import { createSshContext } from './ssh-context.js';

/**
 * The SSH secrets engine as a certificate authority (Vault's `ssh` type with CA roles:
 * https://developer.hashicorp.com/vault/api-docs/secret/ssh). Signs user and host certificates
 * with the mount's CA key under role rules. Vault's OTP and dynamic-key modes are not offered.
 * Register as type `ssh`.
 */
export const sshEngine: EngineFactory = async (ctx: EngineContext): Promise<EngineSpec> => {
  const ssh = createSshContext(ctx.clock);
  return {
    kind: 'secrets',
    paths: [pathConfigCa(ssh), pathPublicKey(ssh), pathRoles(ssh), pathRoleList(ssh), pathSign(ssh), pathIssue(ssh)],
    // Vault serves the CA public key to anyone, so hosts can fetch it for TrustedUserCAKeys.
    unauthenticated: ['public_key'],
    // Sealing or unmounting closes the engine: the parsed CA key and roles it caches go with it.
    close: async () => ssh.close(),
  };
};
