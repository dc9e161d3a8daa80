import type sshpk from 'sshpk';
import { invalidRequest } from '../../errors.js';
import type { EngineRequest } from '../../framework/engine.js';
import { signCertificate } from './cert-signer.js';
import { resolveCertificate, SYSTEM_MAX_TTL, type TtlLimits } from './role-policy.js';
import { randomSerial } from './serials.js';
import type { SshContext } from './ssh-context.js';

/**
 * What `sign/:role` and `issue/:role` share: the certificate request fields and the one path from
 * a request to a signed certificate (role lookup → policy → serial → signature).
 */

/** Request fields both paths accept (https://developer.hashicorp.com/vault/api-docs/secret/ssh#sign-ssh-key). */
export const certificateFields = {
  role: { type: 'string', description: 'Name of the role to sign under.', required: true },
  valid_principals: {
    type: 'strings',
    description: 'Users (user certificates) or hostnames (host certificates) the certificate is valid for.',
  },
  cert_type: { type: 'string', description: 'Certificate type: user or host.', default: 'user' },
  ttl: { type: 'duration', description: 'Requested lifetime; refused above the role\'s max_ttl.' },
  key_id: { type: 'string', description: 'Key id to write into the certificate, when the role allows it.' },
  critical_options: { type: 'kvpairs', description: 'Critical options, e.g. {"force-command": "…"}.' },
  extensions: { type: 'kvpairs', description: 'Extensions, e.g. {"permit-pty": ""}.' },
} as const;

/** The certificate-related values of a validated request. */
export interface CertificateFieldValues {
  role: string;
  valid_principals: string[] | undefined;
  cert_type: string;
  ttl: number | undefined;
  key_id: string | undefined;
  critical_options: Record<string, string> | undefined;
  extensions: Record<string, string> | undefined;
}

/** A signed certificate as the API returns it. */
export interface SignedCertificate {
  serial_number: string;
  /** The certificate line, newline-terminated as Vault returns it. */
  signed_key: string;
}

/** Signs `publicKey` under the request's role. */
export async function signUnderRole(
  ctx: SshContext,
  req: EngineRequest<CertificateFieldValues>,
  publicKey: sshpk.Key,
): Promise<SignedCertificate> {
  const role = await ctx.roles(req.storage).require(req.data.role);
  const ca = await ctx.ca(req.storage).signer();
  if (role.algorithm_signer !== 'default' && ca.pair.algorithm !== 'rsa') {
    throw invalidRequest(`\`algorithm_signer\` \`${role.algorithm_signer}\` needs an rsa ca key; this ca key is ${ca.pair.algorithm}`);
  }
  const template = resolveCertificate(
    role,
    {
      roleName: req.data.role,
      publicKey,
      validPrincipals: req.data.valid_principals,
      certType: req.data.cert_type,
      ttl: req.data.ttl,
      keyId: req.data.key_id,
      criticalOptions: req.data.critical_options,
      extensions: req.data.extensions,
      displayName: req.auth?.displayName,
    },
    mountLimits(req),
    ctx.clock.now(),
  );
  // Nothing is stored per certificate: see serials.ts for why a random serial is enough.
  const serial = randomSerial();
  return {
    serial_number: serial.hex,
    signed_key: `${signCertificate({ ...template, serial: serial.value }, ca, role.algorithm_signer)}\n`,
  };
}

/** The mount's TTLs, or Vault's system values (32 days) where the mount sets none. */
function mountLimits(req: EngineRequest<CertificateFieldValues>): TtlLimits {
  const { default_lease_ttl, max_lease_ttl } = req.mount.config;
  const maxTtl = max_lease_ttl > 0 ? max_lease_ttl : SYSTEM_MAX_TTL;
  return { defaultTtl: Math.min(default_lease_ttl > 0 ? default_lease_ttl : SYSTEM_MAX_TTL, maxTtl), maxTtl };
}
