import { definePath } from '../../framework/engine.js';
import { sshResource } from './cedar-resource.js';
import { certificateFields, signUnderRole } from './sign-request.js';
import type { SshContext } from './ssh-context.js';
import { parsePublicKeyField } from './ssh-keys.js';

/**
 * `sign/:role`: signs a caller's public key under a role's rules
 * (https://developer.hashicorp.com/vault/api-docs/secret/ssh#sign-ssh-key). No lease is created:
 * an SSH certificate cannot be revoked by the engine, only expire (or be listed in sshd's
 * RevokedKeys by serial).
 */
export const pathSign = (ctx: SshContext) =>
  definePath({
    pattern: 'sign/:role',
    fields: {
      ...certificateFields,
      public_key: { type: 'string', description: 'The SSH public key to sign, as an authorized_keys line.', required: true },
    },
    // The requested `ttl` is a declared field, so the pipeline hands it to Cedar as context.ttl.
    authz: (req) => ({ action: 'sign', resource: sshResource(req.mount, req.data.role) }),
    operations: {
      update: {
        summary: 'Sign an SSH public key.',
        async handle(req) {
          const publicKey = parsePublicKeyField('public_key', req.data.public_key);
          const signed = await signUnderRole(ctx, req, publicKey);
          return { data: { serial_number: signed.serial_number, signed_key: signed.signed_key } };
        },
      },
    },
    help: {
      synopsis: 'Request signing an SSH key under a role.',
      description:
        'Returns serial_number (lowercase hex) and signed_key (an OpenSSH certificate line). Principals, ' +
        'certificate type, extensions, critical options and TTL are checked against the role.',
    },
  });
