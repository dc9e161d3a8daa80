import { invalidRequest, permissionDenied } from '../../errors.js';
import { definePath, type Clock, type PathSpec } from '../../framework/engine.js';
import { addressAllowed } from '../cidr.js';
import { tokenAuth } from '../token-fields.js';
import { readConfig } from './cert-entry.js';
import { matchCertificate, NO_CERTIFICATE, type CertMatch } from './match-cert.js';

/** Vault's login metadata, plus the values of `allowed_metadata_extensions` (OID dots as dashes). */
function loginMetadata({ entry, client }: CertMatch): Record<string, string> {
  const metadata: Record<string, string> = {
    cert_name: entry.name,
    common_name: client.commonName,
    serial_number: client.serialDecimal,
    subject_key_id: client.subjectKeyId,
    authority_key_id: client.authorityKeyId,
  };
  for (const oid of entry.allowedMetadataExtensions) {
    const value = client.extensionStrings.get(oid);
    if (value !== undefined) metadata[oid.replaceAll('.', '-')] = value;
  }
  return metadata;
}

/**
 * `auth/<mount>/login` (https://developer.hashicorp.com/vault/api-docs/auth/cert#login-with-tls-certificate-method).
 * The identity is the TLS client certificate the listener accepted (`req.clientCertificate`);
 * the body only names which trusted entry to try. Issues a token whose Cedar principal is
 * `Service::"<entry name>"`; the identity alias is the certificate's common name, as in Vault.
 */
export function loginPath(clock: Clock): PathSpec {
  return definePath({
    pattern: 'login',
    fields: { name: { type: 'string', description: 'The trusted certificate entry to authenticate against.' } },
    help: { synopsis: 'Log in with the TLS client certificate.' },
    operations: {
      update: {
        summary: 'Log in with the TLS client certificate.',
        handle: async (req) => {
          const der = req.clientCertificate;
          if (der === undefined || der.length === 0) throw invalidRequest(NO_CERTIFICATE);
          const match = await matchCertificate(req.storage, der, req.data.name, clock.now());
          if (!addressAllowed(match.entry.token.boundCidrs, req.remoteAddress)) throw permissionDenied();
          const config = await readConfig(req.storage);
          const metadata = loginMetadata(match);
          // Vault names the alias by the common name; a certificate without one would get no
          // entity at all, so it falls back to the serial.
          const aliasName = match.client.commonName || match.client.serialDecimal;
          return {
            auth: {
              ...tokenAuth(match.entry.token),
              displayName: match.entry.displayName,
              metadata,
              principal: { type: 'Service', id: match.entry.name },
              alias: { name: aliasName, ...(config.enableIdentityAliasMetadata && { metadata }) },
              internal: {
                certName: match.entry.name,
                // Kept for renewal binding (`disable_binding`), as Vault keeps it.
                certificate: Buffer.from(der).toString('base64'),
                subjectKeyId: match.client.subjectKeyId,
                authorityKeyId: match.client.authorityKeyId,
              },
            },
          };
        },
      },
    },
  });
}
