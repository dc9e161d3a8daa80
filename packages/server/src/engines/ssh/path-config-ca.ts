import { VaultError, invalidRequest } from '../../errors.js';
import { definePath } from '../../framework/engine.js';
import { sshResource } from './cedar-resource.js';
import type { SshContext } from './ssh-context.js';
import { generateSshKeyPair, parseKeyType, parsePrivateKeyField, parsePublicKeyField, wireBlob } from './ssh-keys.js';

/**
 * Vault generates 4096-bit RSA CA keys when `key_bits` is 0
 * (https://developer.hashicorp.com/vault/api-docs/secret/ssh#submit-ca-information).
 */
const CA_DEFAULT_RSA_BITS = 4096;

/**
 * `config/ca`: the mount's CA key pair. POST generates one (default) or imports `private_key` +
 * `public_key`; an existing CA is replaced, as Vault's docs say. GET returns the public key,
 * DELETE removes the pair.
 *
 * Our default `key_type` is `ssh-ed25519`, not Vault's `ssh-rsa`: Ed25519 keys are generated
 * instantly, sign fast, and every supported OpenSSH accepts them as CA keys. Clients that want
 * Vault's behaviour pass `key_type: "ssh-rsa"`.
 */
export const pathConfigCa = (ctx: SshContext) =>
  definePath({
    pattern: 'config/ca',
    fields: {
      generate_signing_key: {
        type: 'bool',
        description: 'Generate the CA key pair inside the engine (when no keys are given).',
        default: true,
      },
      key_type: {
        type: 'string',
        description: 'Type of CA key to generate: ssh-ed25519 (default here), ssh-rsa, ecdsa-sha2-nistp256/384/521, or ed25519/rsa/ec.',
        default: 'ssh-ed25519',
      },
      key_bits: {
        type: 'int',
        description: 'RSA modulus size (0 ⇒ 4096) or NIST curve for ec (0 ⇒ 256). Ignored for Ed25519.',
        default: 0,
      },
      private_key: {
        type: 'string',
        description: 'Private key of an existing CA key pair to import (OpenSSH or PEM, unencrypted).',
        sensitive: true,
      },
      public_key: {
        type: 'string',
        description: 'Public key of the CA key pair to import, as an authorized_keys line.',
      },
    },
    authz: (req) => ({
      action: req.operation === 'read' ? 'read' : req.operation === 'delete' ? 'delete' : 'configure',
      resource: sshResource(req.mount),
    }),
    operations: {
      read: {
        summary: 'Read the CA public key.',
        async handle(req) {
          const publicKey = await ctx.ca(req.storage).publicKey();
          if (publicKey === undefined) throw new VaultError('not_found', '');
          return { data: { public_key: publicKey } };
        },
      },
      update: {
        summary: 'Generate or import the CA key pair.',
        async handle(req) {
          const { private_key, public_key, generate_signing_key, key_type, key_bits } = req.data;
          const givenPrivate = private_key !== undefined && private_key !== '';
          const givenPublic = public_key !== undefined && public_key !== '';
          let pair;
          if (givenPrivate || givenPublic) {
            if (!givenPrivate || !givenPublic) {
              throw invalidRequest('both `public_key` and `private_key` must be given to import a ca key pair');
            }
            pair = parsePrivateKeyField('private_key', private_key);
            const publicKey = parsePublicKeyField('public_key', public_key);
            if (!wireBlob(publicKey).equals(wireBlob(pair.publicKey))) {
              throw invalidRequest('`public_key` does not match `private_key`');
            }
          } else {
            if (!generate_signing_key) {
              throw invalidRequest('`public_key` and `private_key` are required when `generate_signing_key` is false');
            }
            const type = parseKeyType('key_type', key_type);
            pair = await generateSshKeyPair(type.algorithm, type.bits ?? key_bits, CA_DEFAULT_RSA_BITS);
          }
          const publicKey = await ctx.ca(req.storage).save(pair);
          return { data: { public_key: publicKey } };
        },
      },
      delete: {
        summary: 'Delete the CA key pair.',
        async handle(req) {
          await ctx.ca(req.storage).delete();
          return undefined;
        },
      },
    },
    help: {
      synopsis: 'Set up the SSH certificate authority key pair.',
      description:
        'POST generates a CA key pair (ssh-ed25519 by default; ssh-rsa with key_bits; ecdsa) or imports ' +
        'private_key and public_key; the public key is returned. GET reads the public key; DELETE removes the pair. ' +
        'See https://developer.hashicorp.com/vault/api-docs/secret/ssh#submit-ca-information.',
    },
  });

/** `public_key`: the CA public key as text/plain, unauthenticated, for sshd's TrustedUserCAKeys. */
export const pathPublicKey = (ctx: SshContext) =>
  definePath({
    pattern: 'public_key',
    fields: {},
    authz: (req) => ({ action: 'read', resource: sshResource(req.mount) }),
    operations: {
      read: {
        summary: 'Read the CA public key as an authorized_keys line.',
        async handle(req) {
          const publicKey = await ctx.ca(req.storage).publicKey();
          if (publicKey === undefined) throw new VaultError('not_found', '');
          return { raw: { contentType: 'text/plain', body: publicKey } };
        },
      },
    },
    help: {
      synopsis: 'Retrieve the CA public key.',
      description:
        'Unauthenticated. Returns the public key as plain text, ready for a file named by sshd_config ' +
        'TrustedUserCAKeys (user certificates) or a @cert-authority line in known_hosts (host certificates).',
    },
  });
